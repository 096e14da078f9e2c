package io.odestream.job.cli;

import io.odestream.classify.RiskHead;
import io.odestream.job.ServingModel;
import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.job.forecast.ResidualFlowFile;
import io.odestream.job.forecast.RiskOutput;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.RegistrySnapshot;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code run} checks and says before it starts the job: every topic the job reads and writes
 * exists (else one line with {@code odestream topics create}, not a job that retries forever), and
 * then what it will serve — the model version, or that it waits for one — from which topics, in
 * which consumer group, at which parallelism.
 */
public final class RunStart {
    /** The registry's own Kafka calls, once a broker has answered (its clients' request timeout is 30 s). */
    private static final Duration REGISTRY_CALL = Duration.ofSeconds(30);

    private RunStart() {
    }

    /** The topics a forecast job with {@code source} reads or writes. */
    static List<OdeTopic> topicsOf(ForecastJobConfig.ModelSource source) {
        List<OdeTopic> topics = new ArrayList<>(List.of(OdeTopic.OBSERVATIONS, OdeTopic.FORECAST_REQUESTS,
                OdeTopic.MODELS, OdeTopic.FORECASTS, OdeTopic.ALERTS, OdeTopic.LATE_OBSERVATIONS,
                OdeTopic.DEAD_LETTERS));
        if (source == ForecastJobConfig.ModelSource.REGISTRY) {
            topics.add(OdeTopic.MODEL_SERVING);
        }
        return topics;
    }

    /**
     * Checks the topics ({@link KafkaPreflight.Failure} when a broker does not answer or one is
     * missing) and returns the lines {@code run} prints when it starts.
     */
    public static List<String> check(KafkaSettings kafka, String modelId, ForecastJobConfig.ModelSource source,
                                     String groupId, int parallelism, ArtifactVerifier verifier, Duration wait) {
        return check(kafka, modelId, source, groupId, parallelism, verifier, wait, null, null);
    }

    /**
     * As above, for a job that scores with {@code flow} (null: the Gaussian score): a flow trained
     * for another channel count than the model the job starts with is refused here, before the job.
     */
    public static List<String> check(KafkaSettings kafka, String modelId, ForecastJobConfig.ModelSource source,
                                     String groupId, int parallelism, ArtifactVerifier verifier, Duration wait,
                                     ResidualFlowFile flow) {
        return check(kafka, modelId, source, groupId, parallelism, verifier, wait, flow, null);
    }

    /**
     * As the other {@code check}; with a risk output, a served model whose hidden state the head
     * cannot read stops {@code run} here, before the job starts (IllegalArgumentException saying both sizes).
     */
    public static List<String> check(KafkaSettings kafka, String modelId, ForecastJobConfig.ModelSource source,
                                     String groupId, int parallelism, ArtifactVerifier verifier, Duration wait,
                                     RiskOutput risk) {
        return check(kafka, modelId, source, groupId, parallelism, verifier, wait, null, risk);
    }

    /** The whole check: with the anomaly scorer's flow and the risk output, each null when not used. */
    public static List<String> check(KafkaSettings kafka, String modelId, ForecastJobConfig.ModelSource source,
                                     String groupId, int parallelism, ArtifactVerifier verifier, Duration wait,
                                     ResidualFlowFile flow, RiskOutput risk) {
        KafkaPreflight.requireTopics(kafka, topicsOf(source), wait);
        RegistrySnapshot registry;
        Map<String, String> client = new HashMap<>();
        Properties props = kafka.clientProperties();
        props.stringPropertyNames().forEach(k -> client.put(k, props.getProperty(k)));
        client.remove("bootstrap.servers");
        try (ModelRegistry r = ModelRegistry.connect(new RegistryConfig(kafka.bootstrapServers(),
                kafka.topicName(OdeTopic.MODELS), kafka.topicName(OdeTopic.MODEL_SERVING), REGISTRY_CALL, client), verifier)) {
            registry = r.snapshot();
        }
        Optional<ModelArtifact> model = source == ForecastJobConfig.ModelSource.REGISTRY
                ? registry.served(modelId) : registry.latest(modelId);
        if (flow != null && model.isPresent()) {
            flow.requireChannels(ServingModel.of(model.get()).channels(),
                    "model '" + modelId + "' version " + model.get().getVersion());
        }
        if (risk != null && model.isPresent()) {
            ModelArtifact served = model.get();
            RiskHead.load(risk.head()).requireInputs(ServingModel.of(served).filter.model().spec().hidden(),
                    "model '" + modelId + "' version " + served.getVersion() + " (served now)");
        }
        String serving = model.map(a -> "serving model '" + modelId + "' version " + a.getVersion()
                        + (source == ForecastJobConfig.ModelSource.REGISTRY ? " (the registry's serving pointer)"
                        : " (the newest on " + kafka.topicName(OdeTopic.MODELS) + ")"))
                .orElse("waiting for a model: no version of '" + modelId + "' is "
                        + (source == ForecastJobConfig.ModelSource.REGISTRY
                        ? "promoted yet (odestream models publish, then models promote)"
                        : "on " + kafka.topicName(OdeTopic.MODELS) + " yet (odestream models publish)"));
        List<String> lines = new ArrayList<>(List.of(
                "odestream run: " + serving,
                "  scores anomalies by " + (flow == null ? "the Gaussian predictive density"
                        : "a residual flow over " + flow.channels() + " channels (--scorer cnf)"),
                "  reads  " + kafka.topicName(OdeTopic.OBSERVATIONS) + ", " + kafka.topicName(OdeTopic.FORECAST_REQUESTS)
                        + " (consumer group " + groupId + "), " + kafka.topicName(OdeTopic.MODELS)
                        + (source == ForecastJobConfig.ModelSource.REGISTRY
                        ? " + " + kafka.topicName(OdeTopic.MODEL_SERVING) : "") + " (whole) at " + kafka.bootstrapServers(),
                "  writes " + kafka.topicName(OdeTopic.FORECASTS) + ", " + kafka.topicName(OdeTopic.ALERTS) + ", "
                        + kafka.topicName(OdeTopic.LATE_OBSERVATIONS) + ", " + kafka.topicName(OdeTopic.DEAD_LETTERS),
                "  parallelism " + parallelism));
        if (risk != null) {
            lines.add("  writes risk scores to " + risk.topic() + " (head " + risk.head().getModelId() + "/"
                    + risk.head().getVersion() + ")");
        }
        return lines;
    }
}
