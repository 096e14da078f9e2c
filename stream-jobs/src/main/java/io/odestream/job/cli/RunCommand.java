package io.odestream.job.cli;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.PooledWarmUp;
import io.odestream.job.deploy.RegistryPromoter;
import io.odestream.job.deploy.RegistryRollback;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.job.forecast.RiskOutput;
import io.odestream.job.forecast.MicroBatching;
import io.odestream.job.forecast.ResidualFlowFile;
import io.odestream.job.forecast.UpdaterSettings;
import io.odestream.latent.LevelShift;
import io.odestream.latent.ScoreMode;
import io.odestream.job.health.ModelHealthSettings;
import io.odestream.job.shadow.ShadowCriterion;
import io.odestream.job.shadow.ShadowPromoter;
import io.odestream.job.shadow.ShadowSettings;
import io.odestream.kafka.KafkaAccessCheck;
import io.odestream.kafka.OdeTopic;
import io.odestream.registry.ArtifactVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import org.apache.kafka.common.acl.AclOperation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code odestream run}: the forecasting job against a real Kafka cluster. Run from the command line
 * it starts a local Flink MiniCluster; submitted with {@code flink run stream-jobs/target/odestream-job.jar
 * run ...} ({@link JobMain}) it runs on that Flink cluster (Flink's context environment is picked up).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the forecasting and alerting job against a Kafka cluster (locally, or on a Flink cluster "
                + "when submitted with `flink run odestream-job.jar run ...`). The model is the version the registry's serving pointer names (or, with --model-source TOPIC, every "
                + "artifact on the models topic).")
public final class RunCommand implements Callable<Integer> {
    /** {@code --out-of-orderness}'s default; {@code produce} warns about a replay that steps back further. */
    public static final String DEFAULT_OUT_OF_ORDERNESS = "PT5S";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--model", required = true, paramLabel = "MODEL_ID", description = "The model lineage to serve.")
    String modelId;

    @Mixin
    TrustedKeysOption keys;

    @Mixin
    ClusterSubmission submission;

    @Option(names = "--model-source", defaultValue = "REGISTRY", paramLabel = "REGISTRY|TOPIC",
            description = "REGISTRY (default): serve the version the registry's serving pointer names, so publishing "
                    + "does not deploy and `odestream models promote/rollback` do. TOPIC: every artifact on the models "
                    + "topic that passes the gate is served (no registry).")
    ForecastJobConfig.ModelSource modelSource;

    @Option(names = "--shadow-fraction", paramLabel = "F",
            description = "Shadow mode: score the newest published but unpromoted version beside the served one on "
                    + "this share (0 < F <= 1) of the series; metrics shadow*; off unless given (needs REGISTRY).")
    Double shadowFraction;

    @Option(names = "--shadow-min-observations", defaultValue = "500",
            description = "Scored live observations before a shadow verdict (default ${DEFAULT-VALUE}).")
    int shadowMinObservations;

    @Option(names = "--shadow-margin", defaultValue = "0.05", paramLabel = "NATS",
            description = "How much lower the candidate's mean negative log predictive density must be to win "
                    + "(default ${DEFAULT-VALUE}).")
    double shadowMargin;

    @Option(names = "--shadow-criterion", defaultValue = "nll,mae", paramLabel = "nll,mae",
            description = "What a shadow candidate must do better to win: nll (mean NLL lower by the margin), mae "
                    + "(mean absolute error no higher), or both (default ${DEFAULT-VALUE}); verdicts record both.")
    String shadowCriterion;

    @Option(names = "--degraded-factor", defaultValue = "3", paramLabel = "K",
            description = "Model-health guard: the served version is degraded when its rolling live forecast error "
                    + "stays above K times its reference level (its held-out MAE, else the previous version's live "
                    + "error) for --degraded-for of event time; a MODEL_DEGRADED alert (default ${DEFAULT-VALUE}).")
    double degradedFactor;

    @Option(names = "--degraded-for", defaultValue = "PT2M", paramLabel = "DURATION",
            description = "... for this long (default ${DEFAULT-VALUE}).")
    Duration degradedFor;

    @Option(names = "--on-degraded", defaultValue = "ALERT", paramLabel = "alert|rollback",
            description = "What a degraded served version gets besides the alert: ALERT (nothing), ROLLBACK (serving "
                    + "rolled back to the version before and pinned, recorded as the model-health guard's change; "
                    + "needs REGISTRY) (default ${DEFAULT-VALUE}).")
    ModelHealthSettings.OnDegraded onDegraded;

    @Option(names = "--shadow-promote",
            description = "Promote a shadow winner through the registry (otherwise the verdict says how to promote it).")
    boolean shadowPromote;

    @Option(names = "--group-id", defaultValue = "odestream-forecast", description = "Consumer group (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--parallelism", description = "Flink parallelism (default: the environment's).")
    Integer parallelism;

    @Option(names = "--out-of-orderness", defaultValue = DEFAULT_OUT_OF_ORDERNESS,
            description = "How late (event time) an observation may arrive and still be applied in order (default ${DEFAULT-VALUE}).")
    Duration outOfOrderness;

    @Option(names = "--idleness", defaultValue = "PT10S",
            description = "A silent partition stops holding event time back after this; after a start or restore, event time waits this "
                    + "long for the forecast requests already on their topic (default ${DEFAULT-VALUE}).")
    Duration idleness;

    @Option(names = "--max-clock-skew", defaultValue = "PT1M", paramLabel = "DURATION",
            description = "Dead-letter (EVENT_TIME_IN_FUTURE) an observation dated further than this ahead of the wall "
                    + "clock: accepted, it would move its subtask's event time ahead and make every series on it "
                    + "wait or arrive late (default ${DEFAULT-VALUE}).")
    Duration maxClockSkew;

    @Option(names = "--checkpoint-interval", defaultValue = "PT10S",
            description = "Exactly-once output is committed at checkpoints (default ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Where checkpoints go (a local directory); they are kept when the job stops or "
                    + "its process dies, for --restore latest.")
    Path checkpointDir;

    @Option(names = "--restore", paramLabel = "latest|PATH",
            description = "Resume from saved state: 'latest' = the newest complete checkpoint under --checkpoint-dir "
                    + "(what a crashed or stopped run left), or PATH = a checkpoint (chk-N) or savepoint directory. Every "
                    + "series' state, the served model and the input offsets come back. Without it the job starts "
                    + "with no series state.")
    String restore;

    @Option(names = "--state-backend", defaultValue = "hashmap",
            description = "hashmap (heap) or rocksdb for large key counts (default ${DEFAULT-VALUE}).")
    String stateBackend;

    @Option(names = "--ttl", defaultValue = "PT24H", description = "Forget a series silent this long (default ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--samples", defaultValue = "64", description = "Monte-Carlo samples per forecast (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--score-samples", defaultValue = "16", description = "Samples per anomaly score under --score-mode monte-carlo (default ${DEFAULT-VALUE}).")
    int scoreSamples;

    @Option(names = "--alert-window", defaultValue = "1024", paramLabel = "SCORES",
            description = "How many of a series' recent scores calibrate its next one: a longer history keeps earlier "
                    + "bursts in the calibration, so a kind of surprise the series already showed alarms less (NAB "
                    + "runs with 8640, a month at 5 minutes); each series' state grows with it, about 8 bytes per "
                    + "score and per channel with --alert-value-level (default ${DEFAULT-VALUE}; at least the policy's "
                    + "minimum history, 256).")
    int alertWindow;

    @Option(names = "--alert-floor", defaultValue = "8.0",
            description = "Raw score (nats) an observation must reach to alert, besides its series' calibration (default ${DEFAULT-VALUE}).")
    double alertFloor;

    @Option(names = "--alert-warmup-z", defaultValue = "5.0", paramLabel = "Z",
            description = "Until a series has its own calibration, an observation alerts when its largest |z| reaches Z: "
                    + "scale free, so a new series alerts on a 6-sigma jump from its first events whatever its units "
                    + "(default ${DEFAULT-VALUE}; NaN = the raw 12-nat threshold instead).")
    double alertWarmUpZ;

    @Option(names = "--alert-pooled-warmup-events", defaultValue = "0", paramLabel = "N",
            description = "During warm-up judge the largest |z| of a channel given the other channels', under the "
                    + "z-scores' moments pooled over every series of the subtask, once N ordinary events are pooled: the "
                    + "model missing on every channel at once is told from one channel's fault (e.g. 1000; default "
                    + "${DEFAULT-VALUE} = off: the moments the model ships, if it ships them, else the plain largest "
                    + "|z|). With a model that ships moments the pool refines them per age bucket once it fills. Its "
                    + "decisions depend on which series share a subtask and on when watermarks publish the pool, so "
                    + "after a restore or at another parallelism a young series can be judged differently than in an "
                    + "uninterrupted run.")
    int alertPooledWarmUpEvents;

    @Option(names = "--alert-escalation-nats", defaultValue = "6.907755278982137", paramLabel = "NATS",
            description = "Inside an open incident, a score this many nats more surprising than the incident's peak "
                    + "alerts again, so an incident never hides a larger surprise (default ln 1000; Infinity = one alert "
                    + "per incident).")
    double alertEscalationNats;

    @Option(names = "--alert-short-window", defaultValue = "1", paramLabel = "SCORES",
            description = "Also calibrate the mean surprisal of each series' last SCORES scores, so a stretch of "
                    + "moderately surprising observations (a changed pattern) alerts though none is extreme alone "
                    + "(default ${DEFAULT-VALUE}: single observations only).")
    int alertShortWindow;

    @Option(names = "--alert-value-level", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Also test how extreme each observed value is among its channel's own recent values (both "
                    + "tails), so a value outside everything the series did recently alerts even after the model has "
                    + "followed it (default ${DEFAULT-VALUE}).")
    boolean alertValueLevel;

    @Option(names = "--level-shift", defaultValue = "6,8", paramLabel = "ROWS,STDS|off",
            description = "A series whose channel has been more than STDS of the model's training standard deviations "
                    + "from its training mean, on one side, for ROWS observations in a row is re-centred there: the "
                    + "model sees its values shifted back, forecasts and alerts add the shift again, so a level the "
                    + "model never saw does not score as a surprise for ever (default ${DEFAULT-VALUE}; off: never; "
                    + "io.odestream.latent.LevelShift).")
    String levelShift;

    @Option(names = "--score-mode", defaultValue = "sigma-points", paramLabel = "monte-carlo|sigma-points|mean-path",
            description = "How each observation's score integrates the series' posterior: the posterior's 2L + 1 "
                    + "sigma points (default: deterministic; on NAB it scored higher, docs/RESULTS.md), "
                    + "--score-samples Monte-Carlo samples, or the sigma points carried along the mean's path (one "
                    + "decoder row per score instead of 2L + 1: cheaper, blind to how the flow stretches the "
                    + "posterior between events; bench/README.md).")
    String scoreMode;

    @Option(names = "--periodic-every", paramLabel = "DURATION", description = "Emit a forecast per active series every DURATION of event time.")
    Duration periodicEvery;

    @Option(names = "--horizons", split = ",", defaultValue = "PT1M,PT5M,PT15M",
            description = "Horizons of periodic forecasts (default ${DEFAULT-VALUE}).")
    Duration[] horizons;

    @Option(names = "--prometheus-port", description = "Expose the job's metrics for Prometheus on this port.")
    Integer prometheusPort;

    @Option(names = {"--batch-backend", "--forecast-backend"}, paramLabel = "java|djl",
            description = "Micro-batch the model's work across series on this backend: each round of due observations "
                    + "is scored and absorbed in one call, forecasts are answered many at a time (djl: one batched "
                    + "PyTorch solve per call, for a GPU or thousands of series). Off unless given: each record is "
                    + "handled in its series' operator on the JVM as it becomes due.")
    String batchBackend;

    @Option(names = {"--batch-device", "--forecast-device"}, defaultValue = "cpu", paramLabel = "cpu|gpu|gpu:N",
            description = "Device of the batch backend; gpu = the GPU of the TaskManager's gpu external resource "
                    + "(default ${DEFAULT-VALUE}).")
    String batchDevice;

    @Option(names = {"--batch-size", "--forecast-batch-size"}, defaultValue = "1024",
            description = "A micro-batch runs when it holds this many records (default ${DEFAULT-VALUE}), and "
                    + "always before a watermark or checkpoint barrier is passed on.")
    int batchSize;

    @Option(names = {"--batch-delay", "--forecast-batch-delay"}, defaultValue = "PT0.02S", paramLabel = "DURATION",
            description = "... or when its oldest record has waited this long (default ${DEFAULT-VALUE}).")
    Duration batchDelay;

    @Option(names = "--risk-head", paramLabel = "FILE",
            description = "Risk output: this risk head (written by `odestream eval mortality --save-head`) scores each "
                    + "series' hidden state after every absorbed observation; one RiskScore each to --risk-topic. A "
                    + "model whose hidden size the head does not read is rejected. Off unless given.")
    Path riskHead;

    @Option(names = "--risk-topic", paramLabel = "TOPIC",
            description = "The topic of the risk scores (exactly this name, no prefix); required with --risk-head.")
    String riskTopic;

    // the anomaly scorer: the Gaussian predictive density's, or a residual flow's read from a file
    @Mixin
    ScorerOptions scorer;

    /** How the job's scores integrate the posterior (--score-mode). */
    ScoreMode scoreMode() {
        try {
            return ScoreMode.fromOptionName(scoreMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--score-mode: " + e.getMessage(), e);
        }
    }

    /** The job's alert policy: the product's defaults with the --alert-* options. */
    AlertPolicy alertPolicy() {
        AlertPolicy defaults = AlertPolicy.defaults();
        if (alertWindow < defaults.minHistory()) {
            throw new IllegalArgumentException("--alert-window must be at least the policy's minimum history of "
                    + defaults.minHistory() + " scores, got " + alertWindow);
        }
        try {
            return defaults.withWindow(alertWindow).withFloor(alertFloor).withWarmUpZ(alertWarmUpZ)
                    .withEscalationNats(alertEscalationNats).withShortWindow(alertShortWindow)
                    .withValueLevel(alertValueLevel);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--alert-floor / --alert-warmup-z / --alert-escalation-nats / "
                    + "--alert-short-window: " + e.getMessage(), e);
        }
    }

    /** The level-shift rule (--level-shift); null when off. */
    LevelShift levelShift() {
        try {
            return LevelShift.parse(levelShift);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--level-shift: " + e.getMessage(), e);
        }
    }

    /** The pooled warm-up rule (--alert-pooled-warmup-events); null when off. */
    PooledWarmUp pooledWarmUp() {
        if (alertPooledWarmUpEvents < 0) {
            throw new IllegalArgumentException("--alert-pooled-warmup-events must be >= 0 (0 = off), got "
                    + alertPooledWarmUpEvents);
        }
        return alertPooledWarmUpEvents == 0 ? null
                : PooledWarmUp.DEFAULT.withMinEvents(alertPooledWarmUpEvents);
    }

    @Override
    public Integer call() throws Exception {
        // first, so that a wrong --restore fails before anything is read or built
        Path restoreFrom = restore == null ? null : RetainedCheckpoints.resolve(restore, checkpointDir);
        if ((riskHead == null) != (riskTopic == null)) {
            throw new IllegalArgumentException("--risk-head and --risk-topic go together: give both or neither");
        }
        RiskOutput risk = riskHead == null ? null : RiskOutput.read(riskHead, riskTopic); // a bad head stops us here
        AlertPolicy policy = alertPolicy();
        ResidualFlowFile flow = scorer.load(); // before the Kafka checks: a bad file fails at once
        ArtifactVerifier verifier = new ArtifactVerifier(keys.load());
        UpdaterSettings updater = UpdaterSettings.defaults(modelId, verifier)
                .withAlertPolicy(policy).withSamples(samples, scoreSamples).withKeyTtl(ttl).withResidualFlow(flow);
        updater = updater.withMonitor(updater.monitor().withScoreMode(scoreMode()).withPooledWarmUp(pooledWarmUp())
                .withLevelShift(levelShift()));
        if (periodicEvery != null) {
            updater = updater.withPeriodicForecasts(periodicEvery, horizons);
        }
        updater = updater.withHealthGuard(healthGuard());
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka.settings(), updater).withGroupId(groupId)
                .withEventTime(outOfOrderness, idleness).withMaxClockSkew(maxClockSkew).withCheckpoints(checkpointInterval, checkpointDir)
                .withStateBackend(stateBackend).withPrometheusPort(prometheusPort).withModelSource(modelSource);
        if (shadowFraction != null) {
            ShadowPromoter.Factory promoter = shadowPromote ? RegistryPromoter.factory(kafka.bootstrapServers(),
                    kafka.securityConfig(), kafka.topic(OdeTopic.MODELS), kafka.topic(OdeTopic.MODEL_SERVING), keys.directory().toAbsolutePath().toString())
                    : null;
            config = config.withShadow(new ShadowSettings(shadowFraction, shadowMinObservations, shadowMargin,
                    scoreSamples, promoter, ShadowCriterion.parse(shadowCriterion)));
        }
        if (batchBackend != null) {
            config = config.withMicroBatching(new MicroBatching(batchBackend, batchDevice, batchSize, batchDelay));
        }
        Configuration flink = config.flinkConfiguration();
        if (restoreFrom != null) {
            flink.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
            spec.commandLine().getOut().println("restoring from " + restoreFrom);
        } else {
            spec.commandLine().getOut().println("starting without saved state" + (checkpointDir == null ? ""
                    : "; to resume after a crash or a stop: run --restore latest --checkpoint-dir " + checkpointDir));
        }
        spec.commandLine().getOut().flush();
        StreamExecutionEnvironment env = submission.environment(flink);
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        // Before the job, in one line each: a refused login or a missing ACL (KafkaAccessCheck), no broker or
        // missing topics (RunStart). On a secured cluster the login goes first: a refused login would otherwise
        // read as "no broker answered"; on a plain one the 3 s broker check goes first.
        boolean secured = !"PLAINTEXT".equalsIgnoreCase(
                kafka.settings().clientProperties().getProperty("security.protocol", "PLAINTEXT"));
        KafkaAccessCheck access = new KafkaAccessCheck(kafka.settings(), Duration.ofSeconds(30));
        Map<OdeTopic, Set<AclOperation>> needs = topicsNeeded((shadowFraction != null && shadowPromote)
                || onDegraded == ModelHealthSettings.OnDegraded.ROLLBACK);
        if (secured) {
            access.verify(needs);
        }
        for (String line : RunStart.check(kafka.settings(), modelId, modelSource, groupId, env.getParallelism(),
                verifier, KafkaPreflight.DEFAULT_WAIT, flow, risk)) {
            spec.commandLine().getOut().println(line);
        }
        spec.commandLine().getOut().flush();
        if (!secured) {
            access.verify(needs);
        }
        ForecastJob.build(env, config, UnaryOperator.identity(), risk);
        submission.execute(env, jobName(modelId), spec.commandLine().getOut());
        return 0;
    }

    /** The job's name on Flink, by which a deployment finds it running (deploy/compose/setup.sh). */
    public static String jobName(String modelId) {
        return "odestream forecast job (" + modelId + ")";
    }

    /** The model-health guard of the options; a rollback policy rolls back in the registry the job reads. */
    private ModelHealthSettings healthGuard() {
        ModelHealthSettings guard;
        try {
            guard = ModelHealthSettings.alertOnly().withRule(degradedFactor, degradedFor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--degraded-factor / --degraded-for: " + e.getMessage(), e);
        }
        if (onDegraded == ModelHealthSettings.OnDegraded.ALERT) {
            return guard;
        }
        if (modelSource != ForecastJobConfig.ModelSource.REGISTRY) {
            throw new IllegalArgumentException("--on-degraded " + onDegraded + " rolls back in the model registry: "
                    + "it needs --model-source REGISTRY");
        }
        return guard.withPolicy(onDegraded, RegistryRollback.factory(kafka.bootstrapServers(), kafka.securityConfig(),
                kafka.topic(OdeTopic.MODELS), kafka.topic(OdeTopic.MODEL_SERVING),
                keys.directory().toAbsolutePath().toString()));
    }

    /**
     * What the forecast job does on each topic, for the access check; promoting a shadow winner or
     * rolling back a degraded version writes the registry.
     */
    static Map<OdeTopic, Set<AclOperation>> topicsNeeded(boolean promotes) {
        Map<OdeTopic, Set<AclOperation>> needs = new EnumMap<>(OdeTopic.class);
        for (OdeTopic in : List.of(OdeTopic.OBSERVATIONS, OdeTopic.FORECAST_REQUESTS, OdeTopic.MODELS, OdeTopic.MODEL_SERVING)) {
            needs.put(in, EnumSet.of(AclOperation.READ));
        }
        for (OdeTopic out : List.of(OdeTopic.FORECASTS, OdeTopic.ALERTS, OdeTopic.LATE_OBSERVATIONS, OdeTopic.DEAD_LETTERS)) {
            needs.put(out, EnumSet.of(AclOperation.WRITE));
        }
        if (promotes) {
            needs.get(OdeTopic.MODELS).add(AclOperation.WRITE);
            needs.get(OdeTopic.MODEL_SERVING).add(AclOperation.WRITE);
        }
        return needs;
    }
}
