package io.odestream.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoStream.InjectedAnomaly;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay's summary statistics, on hand-made scores, and its input checks. */
class DemoEvaluationTest {

    private static DemoEvaluation.Result result(double[] normalSorted, double... anomalyMax) {
        List<DemoEvaluation.AnomalyScore> anomalies = java.util.Arrays.stream(anomalyMax)
                .mapToObj(s -> new DemoEvaluation.AnomalyScore(new InjectedAnomaly("s", 1, 2, 0, DemoStream.SPIKE, 1), s))
                .toList();
        return new DemoEvaluation.Result(normalSorted.length, 0.1, 0.2, normalSorted, anomalies, 1, 1, 1);
    }

    @Test
    void recallCountsAnomaliesAboveTheThresholdAndFalsePositivesCountNormalEventsAboveIt() {
        double[] normal = new double[100];
        for (int i = 0; i < 100; i++) {
            normal[i] = i + 1; // 1 … 100
        }
        DemoEvaluation.Result r = result(normal, 50, 99.5, 120, 3);
        assertEquals(99, r.normalQuantile(0.99), 0.0, "99 of the 100 scores are <= 99");
        assertEquals(100, r.normalQuantile(1.0), 0.0);
        assertEquals(1, r.normalQuantile(0.0), 0.0);
        assertEquals(0.5, r.recall(99), 1e-12, "99.5 and 120 lie above 99");
        assertEquals(0.01, r.falsePositiveRate(99), 1e-12, "only 100 lies above 99");
        assertEquals(0.02, r.falsePositiveRate(98.5), 1e-12);
        assertEquals(0.0, r.falsePositiveRate(100), 0.0, "strictly above");
        assertEquals(1.0, r.recall(0), 0.0);
    }

    @Test
    void aResultWithoutAnomaliesOrNormalEventsSaysSo() {
        DemoEvaluation.Result none = result(new double[0]);
        assertThrows(IllegalStateException.class, () -> none.recall(1));
        assertThrows(IllegalStateException.class, () -> none.normalQuantile(0.5));
    }

    @Test
    void replayRejectsBadSamplesStrideAndAStreamOfAnotherWidth() {
        DemoStream narrow = DemoStream.generate(new DemoStream.Config(1, 2, 1_000L, Duration.ofSeconds(30),
                Duration.ofSeconds(1), 0, 0, Duration.ZERO, 0.1, 0, 1));
        var model = DemoModel.bundled();
        IllegalArgumentException samples = assertThrows(IllegalArgumentException.class,
                () -> DemoEvaluation.replay(model, narrow, 0, 1));
        assertTrue(samples.getMessage().contains("samples"), samples.getMessage());
        IllegalArgumentException stride = assertThrows(IllegalArgumentException.class,
                () -> DemoEvaluation.replay(model, narrow, 4, 0));
        assertTrue(stride.getMessage().contains("forecastStride"), stride.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> DemoEvaluation.replay(model, narrow, 4, 1));
        assertTrue(width.getMessage().contains("3 channels") && width.getMessage().contains("channels = 3"),
                width.getMessage());
    }
}
