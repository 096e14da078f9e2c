package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.TestModels;
import io.odestream.kafka.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class ForecastJobConfigTest {
    private static final ForecastJobConfig DEFAULTS = ForecastJobConfig.defaults(
            KafkaSettings.builder("127.0.0.1:9092").build(), UpdaterSettings.defaults("m", TestModels.VERIFIER));

    @Test
    void theRuntimeChoicesBecomeFlinkConfiguration() {
        Configuration conf = DEFAULTS.withStateBackend("rocksdb").withCheckpoints(Duration.ofSeconds(5), Path.of("/tmp/cp"))
                .withPrometheusPort(9249).flinkConfiguration();
        assertEquals("rocksdb", conf.get(StateBackendOptions.STATE_BACKEND));
        assertEquals("file:///tmp/cp", conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertEquals("org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                conf.getString("metrics.reporter.prom.factory.class", null));
        assertEquals("9249", conf.getString("metrics.reporter.prom.port", null));
        assertEquals(null, DEFAULTS.flinkConfiguration().getString("metrics.reporter.prom.port", null),
                "no metrics endpoint unless asked for");
    }

    @Test
    void theBuiltJobEmitsWatermarksAndSendsBuffersSoonerThanFlinksDefaults() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        ForecastJob.build(env, DEFAULTS);
        assertEquals(50, env.getConfig().getAutoWatermarkInterval(),
                "an observation waits at most 50 ms beyond the out-of-orderness bound for its watermark (Flink: 200)");
        assertEquals(5, env.getBufferTimeout(),
                "the watermark waits at most 5 ms in a partly filled network buffer (Flink: 100)");
    }

    @Test
    void badSettingsAreRejectedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withStateBackend("memory"))
                .getMessage().contains("'memory'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DEFAULTS.withEventTime(Duration.ofSeconds(-1), Duration.ofSeconds(1))).getMessage()
                .contains("outOfOrderness"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withPrometheusPort(70_000))
                .getMessage().contains("prometheusPort"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> UpdaterSettings.defaults("m", TestModels.VERIFIER).withPeriodicForecasts(Duration.ofMinutes(1)))
                .getMessage().contains("horizon"));
    }
}
