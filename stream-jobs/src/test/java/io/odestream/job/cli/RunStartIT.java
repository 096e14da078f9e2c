package io.odestream.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.classify.RiskHeadSpec;
import io.odestream.job.ServingModel;
import io.odestream.job.TestModels;
import io.odestream.job.forecast.ForecastJobConfig.ModelSource;
import io.odestream.job.forecast.ResidualFlows;
import io.odestream.job.forecast.RiskHeads;
import io.odestream.job.forecast.RiskOutput;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.registry.ModelRegistry;
import io.odestream.registry.testing.TestRegistry;
import io.odestream.schema.ModelArtifact;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code run} says and checks before it starts a job, against a real broker: the served version
 * or that it waits for one, the topics, the group and the parallelism; missing topics and a dead
 * broker fail at once in one line that says what to do.
 */
class RunStartIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void withTheTopicsInPlaceRunSaysWhatItServesFromWhereInWhichGroupAtWhichParallelism() throws Exception {
        KafkaSettings kafka = KAFKA.topics("start-", "start-tx");
        TestRegistry registry = TestRegistry.on(kafka);
        List<String> waiting = RunStart.check(kafka, TestModels.MODEL_ID, ModelSource.REGISTRY, "my-group", 2,
                registry.verifier(), WAIT);
        String said = String.join("\n", waiting);
        assertTrue(said.contains("waiting for a model") && said.contains("models promote"), said);
        assertTrue(said.contains("start-observations") && said.contains("start-forecast-requests")
                && said.contains("start-model-serving") && said.contains("start-dead-letters"), said);
        assertTrue(said.contains("consumer group my-group") && said.contains("parallelism 2"), said);

        try (ModelRegistry r = registry.connect()) {
            r.publish(registry.signer().sign(TestModels.signed(1, 11)));
            r.promote(TestModels.MODEL_ID, 1, "first");
        }
        String serving = RunStart.check(kafka, TestModels.MODEL_ID, ModelSource.REGISTRY, "my-group", 2,
                registry.verifier(), WAIT).get(0);
        assertTrue(serving.contains("serving model '" + TestModels.MODEL_ID + "' version 1"), serving);

        // run --scorer cnf: the flow must be for the served model's channel count (2), else run stops here
        String scoring = String.join("\n", RunStart.check(kafka, TestModels.MODEL_ID, ModelSource.REGISTRY,
                "my-group", 2, registry.verifier(), WAIT, ResidualFlows.fitted(2, 5)));
        assertTrue(scoring.contains("scores anomalies by a residual flow over 2 channels"), scoring);
        IllegalArgumentException wrongWidth = assertThrows(IllegalArgumentException.class, () -> RunStart.check(kafka,
                TestModels.MODEL_ID, ModelSource.REGISTRY, "my-group", 2, registry.verifier(), WAIT,
                ResidualFlows.fitted(3, 5)));
        assertTrue(wrongWidth.getMessage().contains("has 3 channels but model '" + TestModels.MODEL_ID
                + "' version 1 has 2"), wrongWidth.getMessage());
    }

    @Test
    void aRiskHeadThatCannotReadTheServedModelsHiddenStateStopsRunBeforeTheJobStarts() throws Exception {
        KafkaSettings kafka = KAFKA.topics("start-risk-", "start-risk-tx");
        TestRegistry registry = TestRegistry.on(kafka);
        ModelArtifact served = TestModels.signed(1, 11);
        try (ModelRegistry r = registry.connect()) {
            r.publish(registry.signer().sign(served));
            r.promote(TestModels.MODEL_ID, 1, "first");
        }
        int hidden = ServingModel.of(served).filter.model().spec().hidden();

        List<String> fits = RunStart.check(kafka, TestModels.MODEL_ID, ModelSource.REGISTRY, "g", 1,
                registry.verifier(), WAIT, new RiskOutput(RiskHeads.seeded(RiskHeadSpec.RES_NET, hidden), "risk"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunStart.check(kafka,
                TestModels.MODEL_ID, ModelSource.REGISTRY, "g", 1, registry.verifier(), WAIT,
                new RiskOutput(RiskHeads.seeded(RiskHeadSpec.RES_NET, hidden + 1), "risk")));

        assertTrue(fits.get(fits.size() - 1).contains("risk scores to risk"), fits.toString());
        assertTrue(e.getMessage().contains("reads a hidden state of " + (hidden + 1))
                && e.getMessage().contains("keeps " + hidden), e.getMessage());
    }

    @Test
    void missingTopicsFailAtOnceNamingThemAndTheCommandThatCreatesThem() {
        KafkaSettings kafka = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix("nothing-here-").build();
        KafkaPreflight.Failure e = assertThrows(KafkaPreflight.Failure.class, () -> RunStart.check(kafka, "m",
                ModelSource.REGISTRY, "g", 1, TestModels.VERIFIER, WAIT));
        assertTrue(e.getMessage().contains("nothing-here-observations") && e.getMessage().contains("nothing-here-models"),
                e.getMessage());
        assertTrue(e.getMessage().contains("odestream topics create") && e.getMessage().contains("--topic-prefix "
                + "nothing-here-"), e.getMessage());
    }

    @Test
    void theRunCommandAgainstADeadBrokerExitsWithinSecondsWithOneLineAndNoStackTrace(@TempDir Path keys)
            throws Exception {
        TestRegistry.on(KAFKA.bootstrapServers(), "m", "s").writeKeys(keys, "trusted");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // nobody listens there once closed
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = JobMain.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        long start = System.nanoTime();
        int exit = cmd.execute("run", "--model", "m", "--keys", keys.toString(), "--bootstrap-servers",
                "127.0.0.1:" + port);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, exit, err.toString());
        assertTrue(seconds < 15, "failed after " + seconds + " s");
        assertTrue(err.toString().contains("no Kafka broker answered at 127.0.0.1:" + port), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace: " + err);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }
}
