package io.odestream.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting as the observations arrive gives the windows cutting the whole series gives. */
class WindowCutterTest {

    @Test
    void streamingCutsTheSameWindowsAsCuttingTheWholeSeries() {
        LatentOdeTraining.Series series = FineTuneRoundTest.sines(1, 57, 12).get(0);
        for (int stride : new int[] {1, 3, 8, 11}) {
            LatentOdeTraining.Config config = new LatentOdeTraining.Config(8, 5, 4, 1, 0.01, 0.1, 1);
            List<TrainingWindow> whole = TrainingWindow.cutAll("s", series, config, stride);
            WindowCutter cutter = new WindowCutter("s", 1, 8, 5, stride);
            List<TrainingWindow> streamed = new ArrayList<>();
            for (int k = 0; k < series.timesMillis().length; k++) {
                TrainingWindow w = cutter.offer(series.timesMillis()[k], series.values()[k]);
                if (w != null) {
                    streamed.add(w);
                }
            }
            assertEquals(whole.size(), streamed.size(), "stride " + stride);
            for (int i = 0; i < whole.size(); i++) {
                assertSameWindow(whole.get(i), streamed.get(i));
            }
        }
    }

    @Test
    void anObservationOlderThanThePreviousIsSkippedAndCounted() {
        WindowCutter cutter = new WindowCutter("s", 1, 3, 1, 3);
        assertNull(cutter.offer(100, new double[] {1}));
        assertNull(cutter.offer(200, new double[] {2}));
        assertNull(cutter.offer(150, new double[] {9}));
        TrainingWindow w = cutter.offer(300, new double[] {3});
        assertEquals(1, cutter.outOfOrder());
        assertEquals(3, cutter.accepted());
        assertEquals(List.of(100L, 200L, 300L), List.of(w.timeMillis(0), w.timeMillis(1), w.timeMillis(2)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cutter.offer(400, new double[] {1, 2}))
                .getMessage().contains("1 channels"));
    }

    private static void assertSameWindow(TrainingWindow expected, TrainingWindow actual) {
        assertEquals(expected.length(), actual.length());
        assertEquals(expected.split(), actual.split());
        for (int k = 0; k < expected.length(); k++) {
            assertEquals(expected.timeMillis(k), actual.timeMillis(k));
            assertEquals(expected.value(k, 0), actual.value(k, 0)); // NaN equals NaN for assertEquals(double, double)
        }
    }
}
