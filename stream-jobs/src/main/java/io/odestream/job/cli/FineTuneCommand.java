package io.odestream.job.cli;

import io.odestream.job.deploy.RegistryDeployment;
import io.odestream.job.finetune.FineTuneJob;
import io.odestream.job.finetune.FineTuneSettings;
import io.odestream.kafka.OdeTopic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code odestream finetune}: the fine-tuning job against a Kafka cluster — training windows from the
 * observations topic, a round on a schedule from the served model, candidates that beat it on held-out
 * windows signed and published (and promoted in auto mode). The same command is {@code finetune} of
 * {@link JobMain}, for {@code flink run stream-jobs/target/odestream-job.jar finetune ...}.
 */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Run the fine-tuning job: learn from the observations topic, publish better signed versions "
                + "to the model registry (promoted at once with --mode auto).",
                "Each round prints one line with its time: PUBLISH, REJECT or SKIP and why (a skipped round keeps its "
                + "windows). A round needs at least " + FineTuneSettings.MIN_TRAINING_WINDOWS + " training and "
                + FineTuneSettings.MIN_HELD_OUT_WINDOWS + " held-out windows (" + FineTuneSettings.HELD_OUT_PERCENT
                + " %% of the windows are held out)."})
public final class FineTuneCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ClusterSubmission submission;

    @Option(names = "--model", required = true, paramLabel = "MODEL_ID", description = "The model lineage to fine-tune.")
    String modelId;

    @Mixin
    TrustedKeysOption keys;

    @Option(names = "--signing-key", required = true, paramLabel = "DIR/NAME.key",
            description = "The private key candidates are signed with (its .pub beside it).")
    Path signingKey;

    @Option(names = "--mode", defaultValue = "AUTO", description = "AUTO (publish and promote) or MANUAL (publish only; "
            + "promote with `odestream models promote`) (default ${DEFAULT-VALUE}).")
    RegistryDeployment.Mode mode;

    @Option(names = "--every", defaultValue = "PT5M", description = "Time between rounds (default ${DEFAULT-VALUE}).")
    Duration every;

    @Option(names = "--budget", defaultValue = "PT60S", description = "Training time a round may take at most (default ${DEFAULT-VALUE}).")
    Duration budget;

    @Option(names = "--iterations", defaultValue = "200", description = "Training iterations per round at most (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--margin", defaultValue = "0.05",
            description = "Relative held-out improvement a candidate needs to be published (default ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--every-windows", defaultValue = "0", paramLabel = "N", description = "Also start a round as soon "
            + "as N new windows arrived since the last one (default ${DEFAULT-VALUE}: on the --every schedule only). "
            + "A round needs at least " + FineTuneSettings.MIN_TRAINING_WINDOWS + " training and "
            + FineTuneSettings.MIN_HELD_OUT_WINDOWS + " held-out windows, and " + FineTuneSettings.HELD_OUT_PERCENT
            + " %% of the windows are held out: until about "
            + FineTuneSettings.MIN_TRAINING_WINDOWS * 100 / (100 - FineTuneSettings.HELD_OUT_PERCENT)
            + " windows are in, rounds are skipped, each saying why.")
    int everyWindows;

    @Option(names = "--trainers", defaultValue = "1", description = "Trainer subtasks: above 1, each trains on its "
            + "share of the series and one subtask averages the parameters, checks and deploys (default ${DEFAULT-VALUE}).")
    int trainers;

    @Option(names = "--group-id", defaultValue = "odestream-fine-tune", description = "Consumer group (default ${DEFAULT-VALUE}).")
    String groupId;

    @Override
    public Integer call() throws Exception {
        String name = signingKey.getFileName().toString();
        if (!name.endsWith(".key") || !Files.isRegularFile(signingKey)) {
            throw new IllegalArgumentException("--signing-key " + signingKey + " must be an existing NAME.key file "
                    + "(create a pair with `odestream models keygen --out DIR --name NAME`)");
        }
        FineTuneSettings settings = FineTuneSettings.defaults().withRounds(every, budget, iterations).withMargin(margin)
                .withTrainers(trainers).withRoundEveryWindows(everyWindows);
        var deployment = RegistryDeployment.factory(kafka.bootstrapServers(), kafka.securityConfig(), kafka.topic(OdeTopic.MODELS),
                kafka.topic(OdeTopic.MODEL_SERVING), signingKey.toAbsolutePath().getParent().toString(),
                name.substring(0, name.length() - ".key".length()), keys.directory().toAbsolutePath().toString(), modelId, mode);
        StreamExecutionEnvironment env = submission.environment(new Configuration());
        FineTuneJob.build(env, new FineTuneJob.Config(kafka.settings(), groupId, settings, deployment,
                Duration.ofSeconds(30)));
        submission.execute(env, "odestream fine-tune job (" + modelId + ")", spec.commandLine().getOut());
        return 0;
    }
}
