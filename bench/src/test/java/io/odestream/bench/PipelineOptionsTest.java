package io.odestream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class PipelineOptionsTest {

    @Test
    void defaultsAreTheIssuesSetup() {
        PipelineOptions o = PipelineOptions.parse(new String[0]);
        assertEquals(10_000, o.keys());
        assertEquals(200_000, o.events());
        assertEquals(2, o.parallelism());
        assertEquals(List.of(DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.EXACTLY_ONCE), o.latencyModes());
        assertEquals(0.5, o.latencyLoad());
        assertEquals(List.of("none", "java"), o.batching(), "the job unbatched and micro-batched on the JVM, same run");
        assertEquals(null, o.microBatching("none"));
        assertEquals(-1, o.bufferTimeoutMillis(), "the job's own buffer timeout unless one is given");
        assertEquals(-1, o.watermarkIntervalMillis(), "the job's own watermark interval unless one is given");
    }

    @Test
    void aBatchedVariantRunsTheNamedBackendAtTheGivenSizeAndDelay() {
        PipelineOptions o = PipelineOptions.parse(new String[] {"--batching", "java", "--batch-rows", "256",
                "--batch-delay-ms", "5", "--latency-batching", "java", "--buffer-timeout-ms", "10"});
        assertEquals(List.of("java"), o.batching());
        assertEquals(new io.odestream.job.forecast.MicroBatching("java", "cpu", 256, Duration.ofMillis(5)),
                o.microBatching("java"));
        assertEquals("java", o.latencyBatching());
        assertEquals(10, o.bufferTimeoutMillis());
    }

    @Test
    void optionsOverrideTheDefaults() {
        PipelineOptions o = PipelineOptions.parse(new String[] {"--keys", "200", "--events", "5_000",
                "--out-of-orderness-ms", "250", "--latency-modes", "exactly-once", "--state-backend", "rocksdb",
                "--skip-throughput", "--latency-rate", "300"});
        assertEquals(200, o.keys());
        assertEquals(5000, o.events());
        assertEquals(Duration.ofMillis(250), o.outOfOrderness());
        assertEquals(List.of(DeliveryGuarantee.EXACTLY_ONCE), o.latencyModes());
        assertEquals("rocksdb", o.stateBackend());
        assertTrue(o.skipThroughput());
        assertEquals(300, o.latencyRate());
        assertEquals(List.of(), PipelineOptions.parse(new String[] {"--latency-modes", "none"}).latencyModes());
    }

    @Test
    void thePooledWarmUpRuleIsOffUnlessAskedForAsInTheJob() {
        assertEquals(null, PipelineOptions.parse(new String[0]).monitor().pooledWarmUp());
        PipelineOptions o = PipelineOptions.parse(new String[] {"--alert-pooled-warmup-events", "1000"});
        assertEquals(1000, o.monitor().pooledWarmUp().minEvents());
        assertEquals(io.odestream.alert.PooledWarmUp.DEFAULT.feedBelowZ(), o.monitor().pooledWarmUp().feedBelowZ());
        assertMessage("--alert-pooled-warmup-events", "--alert-pooled-warmup-events", "-1");
    }

    @Test
    void theScoreModeIsTheJobsUnlessAskedFor() {
        assertEquals(io.odestream.demo.DemoSetup.monitorSettings().scoreMode(),
                PipelineOptions.parse(new String[0]).monitor().scoreMode());
        assertEquals(io.odestream.latent.ScoreMode.MEAN_PATH,
                PipelineOptions.parse(new String[] {"--score-mode", "mean-path"}).monitor().scoreMode());
        assertMessage("--score-mode", "--score-mode", "fast");
    }

    @Test
    void badInputIsRejectedNamingTheOption() {
        assertMessage("--events", "--keys", "1000", "--events", "1500");
        assertMessage("--keyz", "--keyz", "10");
        assertMessage("--keys", "--keys", "many");
        assertMessage("--latency-modes", "--latency-modes", "twice");
        assertMessage("--latency-rate", "--skip-throughput");
        assertMessage("--partitions", "--partitions");
        assertMessage("--batch-rows", "--batch-rows", "0");
        assertMessage("--buffer-timeout-ms", "--buffer-timeout-ms", "-2");
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineOptions.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
