package io.odestream.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Windows are cut as LatentOdeTraining cuts them: windowLength observations, the first split the context. */
class TrainingWindowTest {
    private static final LatentOdeTraining.Config CONFIG = new LatentOdeTraining.Config(4, 3, 2, 1, 0.01, 0.1, 1);

    @Test
    void cutAllCutsWindowsOfTheConfiguredLengthEveryStrideObservations() {
        LatentOdeTraining.Series series = series(11);
        List<TrainingWindow> windows = TrainingWindow.cutAll("s", series, CONFIG, 3);
        assertEquals(3, windows.size(), "starts 0, 3, 6 fit 4 observations into 11; 9 does not");
        TrainingWindow second = windows.get(1);
        assertEquals(4, second.length());
        assertEquals(3, second.split());
        assertEquals(1300, second.startMillis());
        assertEquals(1600, second.endMillis());
        assertEquals(3.0, second.value(0, 0));
        assertTrue(Double.isNaN(second.value(0, 1)), "a missing value stays missing");
        LatentOdeTraining.Series back = second.asSeries();
        assertArrayEquals(new long[] {1300, 1400, 1500, 1600}, back.timesMillis());
        assertEquals(CONFIG.windowLength(), back.timesMillis().length,
                "as a series it holds exactly one window, so training samples exactly it");
    }

    @Test
    void theWindowIsACopy() {
        long[] times = {1, 2, 3};
        double[][] values = {{1}, {2}, {3}};
        TrainingWindow w = new TrainingWindow("s", times, values, 1);
        times[0] = 99;
        values[0][0] = 99;
        w.asSeries().values()[1][0] = 99;
        assertEquals(1, w.startMillis());
        assertEquals(1.0, w.value(0, 0));
        assertEquals(2.0, w.value(1, 0));
    }

    @Test
    void badWindowsAreRefusedSayingWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainingWindow("s", new long[] {1, 2}, new double[][] {{1}, {2}}, 2)).getMessage()
                .contains("split"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainingWindow("s", new long[] {2, 1}, new double[][] {{1}, {2}}, 1)).getMessage()
                .contains("must not decrease"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainingWindow("", new long[] {1, 2}, new double[][] {{1}, {2}}, 1)).getMessage()
                .contains("seriesId"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new TrainingWindow("s", new long[] {1, 2}, new double[][] {{1}, {2, 3}}, 1)).getMessage()
                .contains("row 1"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TrainingWindow.cut("s", series(5), 2, CONFIG)).getMessage().contains("start 2"));
    }

    /** Times 1000 + 100 k, channel 0 = k, channel 1 missing at odd k. */
    private static LatentOdeTraining.Series series(int n) {
        long[] times = new long[n];
        double[][] values = new double[n][];
        for (int k = 0; k < n; k++) {
            times[k] = 1000 + 100L * k;
            values[k] = new double[] {k, k % 2 == 1 ? Double.NaN : -k};
        }
        return new LatentOdeTraining.Series(times, values);
    }
}
