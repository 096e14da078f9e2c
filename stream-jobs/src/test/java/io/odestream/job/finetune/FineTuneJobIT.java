package io.odestream.job.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.ForecastMetrics;
import io.odestream.finetune.RegimeChange;
import io.odestream.job.deploy.ModelDeployment;
import io.odestream.job.deploy.RegistryDeployment;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.RegistryConfig;
import io.odestream.registry.testing.TestRegistry;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fine-tuning job end to end with a real broker and a Flink MiniCluster: the registry serves
 * the bundled demo model, the observations topic carries the frequency-doubled regime
 * ({@link RegimeChange}), and in auto mode the job publishes and promotes a signed version 2 whose
 * held-out loss beats version 1's by the margin.
 */
class FineTuneJobIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void aRoundOnTheChangedStreamPromotesABetterSignedVersion(@TempDir Path keys) throws Exception {
        promotesABetterVersion(keys, "ft-", 1);
    }

    @Test
    void dataParallelRoundsOnTwoTrainerSubtasksPromoteABetterVersionToo(@TempDir Path keys) throws Exception {
        promotesABetterVersion(keys, "ftp-", 2);
    }

    private void promotesABetterVersion(Path keys, String prefix, int trainers) throws Exception {
        KafkaSettings kafka = KAFKA.topics(prefix, prefix + "job");
        TestRegistry signed = TestRegistry.on(kafka).writeKeys(keys, "fine-tune");
        RegistryConfig registryConfig = signed.config();
        ArtifactVerifier verifier = signed.verifier();

        try (ModelRegistry registry = signed.connect();
             RecordPublisher publisher = new RecordPublisher(kafka)) {
            registry.publish(signed.signer().sign(DemoModel.bundled()));
            registry.promote(DemoModel.MODEL_ID, DemoModel.VERSION, "the bundled model");

            FineTuneSettings settings = FineTuneSettings.defaults()
                    .withRounds(Duration.ofSeconds(3), Duration.ofSeconds(30), 40).withMinimumWindows(64, 16)
                    .withTrainers(trainers);
            ModelDeployment.Factory deployment = RegistryDeployment.factory(KAFKA.bootstrapServers(),
                    registryConfig.modelsTopic(), registryConfig.servingTopic(), keys.toString(), "fine-tune",
                    keys.toString(), DemoModel.MODEL_ID, RegistryDeployment.Mode.AUTO);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
            FineTuneJob.build(env, new FineTuneJob.Config(kafka, prefix + "group", settings, deployment,
                    Duration.ofSeconds(1)));
            long start = System.nanoTime();
            JobClient job = env.executeAsync("fine-tune job");
            try {
                RegimeChange.newRegimeObservations(4243).forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
                publisher.flush();
                Optional<ModelArtifact> served = Optional.empty();
                long deadline = System.currentTimeMillis() + 120_000;
                while (System.currentTimeMillis() < deadline) {
                    served = registry.snapshot().served(DemoModel.MODEL_ID);
                    if (served.isPresent() && served.get().getVersion() > DemoModel.VERSION) {
                        break;
                    }
                    Thread.sleep(1_000);
                }
                ModelArtifact v2 = served.orElseThrow();
                assertEquals(DemoModel.VERSION + 1, v2.getVersion(), "a fine-tuned version is served");
                assertEquals(DemoModel.VERSION, v2.getParentVersion());
                double candidate = v2.getMetrics().get(FineTuneRound.HELD_OUT_ELBO);
                double parent = v2.getMetrics().get(ForecastMetrics.PARENT + FineTuneRound.HELD_OUT_ELBO);
                assertTrue(ForecastMetrics.of(v2.getMetrics()).isPresent(), "held-out forecast metrics: "
                        + v2.getMetrics());
                assertTrue(candidate <= parent - settings.margin() * Math.abs(parent), candidate + " vs " + parent);
                assertTrue(v2.getLineage().get("data_from").startsWith("2024-01-01T00:"), v2.getLineage().toString());
                System.out.printf("fine-tune job (" + trainers + " trainer subtasks): v2 promoted %.1f s after the job started; held-out loss %.3f -> "
                                + "%.3f, %.0f windows/s, lineage %s%n", (System.nanoTime() - start) / 1e9, parent,
                        candidate, v2.getMetrics().get("training_windows_per_second"), v2.getLineage());
            } finally {
                job.cancel().get();
            }
        }
    }
}
