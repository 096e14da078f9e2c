package io.odestream.cli;

import io.odestream.kafka.Rejection;
import io.odestream.model.ModelArtifacts;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.KeyFileException;
import io.odestream.registry.LineagePlacement;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistrySnapshot;
import io.odestream.registry.ServingActor;
import io.odestream.registry.SigningKeys;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RegistryServing;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code odestream models ...}: the model registry. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "The model registry: signed model versions on a compacted Kafka topic and the serving pointer.",
        subcommands = {
            ModelsCommand.ListVersions.class,
            ModelsCommand.Show.class,
            ModelsCommand.Publish.class,
            ModelsCommand.Promote.class,
            ModelsCommand.Rollback.class,
            ModelsCommand.Hold.class,
            ModelsCommand.Release.class,
            ModelsCommand.Keygen.class,
        })
final class ModelsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists every verified version with its parent and the serving pointer's history; "
                    + "records that failed verification are listed on stderr with the reason.",
                    "Metrics are the held-out forecast's, comparable across versions however they were trained: "
                    + "NLL/obs (mean negative log predictive density per observation, nats), MAE (mean absolute "
                    + "error of the predictive mean, data units), cov90 (share inside the 5-95 %% interval). A "
                    + "version without them (e.g. only an ELBO's validation_loss) is listed as not comparable."})
    static final class ListVersions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegistryOptions registry;

        @Option(names = "--json", description = "One JSON document with every field at full precision, for machines.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            RegistrySnapshot s;
            try (ModelRegistry r = registry.connect()) {
                s = r.snapshot();
            }
            List<String> modelIds = s.modelIds().stream()
                    .filter(id -> registry.model == null || registry.model.equals(id)).toList();
            if (json) {
                ModelListing.json(s, modelIds, out);
            } else {
                for (String modelId : modelIds) {
                    ModelListing.text(s, modelId, out);
                }
            }
            out.flush();
            reportRejected(s, spec.commandLine().getErr());
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one version: identity, lineage, metrics, spec.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegistryOptions registry;

        @Parameters(index = "0", paramLabel = "VERSION", description = "A version number, 'latest' or 'serving'.")
        String version;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            RegistrySnapshot s;
            try (ModelRegistry r = registry.connect()) {
                s = r.snapshot();
            }
            String modelId = registry.modelId(s);
            ModelArtifact a = switch (version.toLowerCase(Locale.ROOT)) {
                case "latest" -> s.latest(modelId).orElseThrow(() -> new CommandFailedException(
                        "model '" + modelId + "' has no verified version"));
                case "serving" -> s.served(modelId).orElseThrow(() -> new CommandFailedException(
                        "model '" + modelId + "' is not promoted (or its serving version failed verification)"));
                default -> s.version(modelId, parseVersion(version)).orElseThrow(() -> new CommandFailedException(
                        "model '" + modelId + "' has no verified version " + version + "; see `odestream models list`"));
            };
            out.println("model       " + a.getModelId());
            out.println("version     " + a.getVersion());
            out.println("parent      " + (a.getParentVersion() == null ? "-" : a.getParentVersion()));
            out.println("created     " + a.getCreatedAt());
            out.println("type        " + a.getModelType());
            out.println("parameters  " + a.getParameters().size());
            out.println("checksum    " + a.getChecksum());
            out.println("signed by   " + a.getSigningKeyId() + " (verified)");
            out.println("serving     " + s.serving(modelId).map(p -> p.getServingVersion() == a.getVersion()).orElse(false));
            out.println("metrics     " + metrics(a.getMetrics()));
            out.println("lineage     " + new TreeMap<>(a.getLineage()));
            out.println("spec        " + a.getSpecJson());
            out.flush();
            return 0;
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Signs an artifact file (written by `train` or ode-core's ModelArtifacts.write) and publishes it as",
                "the next version of its model (the file's own version, e.g. `train`'s 1, is kept in the lineage);",
                "publishing the same content again does nothing. Does not promote."})
    static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegistryOptions registry;

        @Parameters(index = "0", paramLabel = "FILE", description = "The artifact file (.avro).")
        Path file;

        @Option(names = "--signing-key", paramLabel = "FILE.key", required = true,
                description = "PKCS#8 private key from `odestream models keygen`; its .pub must lie beside it.")
        Path signingKey;

        @Option(names = "--parent", paramLabel = "VERSION", description = "The published version it was trained from "
                + "(default: the file's parent if the registry has it, otherwise none: trained from scratch).")
        Long parent;

        @Override
        public Integer call() {
            String name = signingKey.getFileName().toString();
            if (!name.endsWith(SigningKeys.PRIVATE_KEY_SUFFIX)) {
                throw new KeyFileException("--signing-key " + signingKey + " must be a " + SigningKeys.PRIVATE_KEY_SUFFIX
                        + " file written by `odestream models keygen`");
            }
            Path dir = signingKey.toAbsolutePath().getParent();
            ArtifactSigner signer = ArtifactSigner.fromFiles(dir,
                    name.substring(0, name.length() - SigningKeys.PRIVATE_KEY_SUFFIX.length()));
            ModelArtifact trained = ModelArtifacts.read(file);
            PrintWriter out = spec.commandLine().getOut();
            try (ModelRegistry r = registry.connect()) {
                LineagePlacement placed = LineagePlacement.place(r.snapshot(), trained, parent, file.toString());
                ModelArtifact a = placed.artifact();
                if (placed.alreadyPublished()) {
                    out.println("model " + a.getModelId() + " version " + a.getVersion() + " has this content already "
                            + "(checksum " + a.getChecksum().substring(0, 16) + "); nothing published");
                    return 0;
                }
                ModelArtifact signed = r.publish(signer.sign(a));
                out.println("published model " + signed.getModelId() + " version " + signed.getVersion()
                        + " (parent " + (signed.getParentVersion() == null ? "none" : signed.getParentVersion())
                        + ", from " + file + ") signed by " + signer.keyId());
            }
            return 0;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Points serving at VERSION and republishes it, so running jobs swap to it.")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegistryOptions registry;

        @Parameters(index = "0", paramLabel = "VERSION")
        long version;

        @Option(names = "--reason", defaultValue = "promoted from the command line", description = "Why (kept in the history).")
        String reason;

        @Mixin
        OperatorOption operator;

        @Override
        public Integer call() {
            return changeServing(spec, registry, "now serves", "",
                    (r, modelId) -> r.promote(modelId, version, operator.actor(), reason));
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Points serving back to the previously promoted version (or --to VERSION) and republishes it.",
                "Serving stays pinned there until `models release` or an operator's `models promote`: fine-tuning",
                "and shadow mode publish but do not promote meanwhile, and never promote the version rolled back",
                "from or its descendants unless an operator promotes one of them."})
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegistryOptions registry;

        @Option(names = "--to", paramLabel = "VERSION", description = "The version to go back to (default: the one promoted before).")
        Long to;

        @Option(names = "--reason", defaultValue = "rolled back from the command line", description = "Why (kept in the history).")
        String reason;

        @Mixin
        OperatorOption operator;

        @Override
        public Integer call() {
            return changeServing(spec, registry, "rolled back to", " (pinned until `odestream models release`)",
                    (r, modelId) -> r.rollback(modelId, to, operator.actor(), reason));
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true,
            description = {"Pins the version served now, e.g. for a maintenance window: fine-tuning and shadow mode",
                "publish but do not promote until `models release` or an operator's `models promote`."})
    static final class Hold implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegistryOptions registry;

        @Option(names = "--reason", defaultValue = "held from the command line", description = "Why (kept in the history).")
        String reason;

        @Mixin
        OperatorOption operator;

        @Override
        public Integer call() {
            return changeServing(spec, registry, "held at", " (pinned until `odestream models release`)",
                    (r, modelId) -> r.hold(modelId, operator.actor(), reason));
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = {"Lifts the pin of a rollback or hold: automation may promote again (a rolled-back version",
                "and its descendants stay out until an operator promotes one)."})
    static final class Release implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        RegistryOptions registry;

        @Option(names = "--reason", defaultValue = "released from the command line", description = "Why (kept in the history).")
        String reason;

        @Mixin
        OperatorOption operator;

        @Override
        public Integer call() {
            return changeServing(spec, registry, "released at", "; automation may promote again",
                    (r, modelId) -> r.release(modelId, operator.actor(), reason));
        }
    }

    /** Who makes a serving change from the command line, recorded in the serving history. */
    static final class OperatorOption {
        @Option(names = "--by", paramLabel = "NAME", defaultValue = "${sys:user.name}",
                description = "Who makes the change, kept in the history (default: the user, ${DEFAULT-VALUE}).")
        String by;

        ServingActor actor() {
            return by == null || by.isBlank() ? ServingActor.currentUser() : ServingActor.operator(by);
        }
    }

    /** Promote, rollback, hold and release differ only in the serving change they ask for and the words that report it. */
    private static Integer changeServing(CommandSpec spec, RegistryOptions registry, String verb, String after,
            BiFunction<ModelRegistry, String, RegistryServing> change) {
        try (ModelRegistry r = registry.connect()) {
            String modelId = registry.modelId(r.snapshot());
            RegistryServing p = change.apply(r, modelId);
            spec.commandLine().getOut().println("model " + modelId + " " + verb + " version " + p.getServingVersion()
                    + after);
        }
        return 0;
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = {"Creates an Ed25519 key pair: DIR/NAME.key (PKCS#8 PEM, keep it secret) and DIR/NAME.pub",
                "(X.509 PEM, give it to every reader that should trust this signer)."})
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write the key pair to.")
        Path out;

        @Option(names = "--name", defaultValue = "odestream", description = "File name of the pair (default ${DEFAULT-VALUE}).")
        String name;

        @Override
        public Integer call() throws Exception {
            KeyPair pair = SigningKeys.generate();
            try {
                SigningKeys.write(pair, out, name);
            } catch (java.io.IOException e) {
                throw new CommandFailedException("cannot write the key pair to " + out + ": " + e.getMessage(), e);
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println("key id " + SigningKeys.keyId(pair.getPublic()));
            o.println("private key " + out.resolve(name + SigningKeys.PRIVATE_KEY_SUFFIX) + " (keep it secret)");
            o.println("public key  " + out.resolve(name + SigningKeys.PUBLIC_KEY_SUFFIX) + " (trust it with --keys DIR)");
            return 0;
        }
    }

    static long parseVersion(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CommandFailedException("VERSION '" + text + "' is not a number, 'latest' or 'serving'");
        }
    }

    private static String metrics(Map<String, Double> metrics) {
        return new TreeMap<>(metrics).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static void reportRejected(RegistrySnapshot s, PrintWriter err) {
        for (Rejection r : s.rejected()) {
            err.println("rejected " + r);
        }
        err.flush();
    }
}
