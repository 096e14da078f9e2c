package io.odestream.eval.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link PitCalibration}: coverage and the PIT histogram's distance from uniform. */
class PitCalibrationTest {

    @Test
    void uniformPitValuesCoverNinetyPercentAndAreFlat() {
        PitCalibration pit = new PitCalibration();
        for (int i = 0; i < 1000; i++) {
            pit.add((i + 0.5) / 1000);
        }
        assertEquals(1000, pit.count());
        assertEquals(0.9, pit.coverage90(), 1e-12);
        assertEquals(0.0, pit.totalVariationFromUniform(), 1e-12);
        assertEquals(1.0, pit.largestBinRatio(), 1e-12);
        assertEquals("10.0 10.0 10.0 10.0 10.0 10.0 10.0 10.0 10.0 10.0", pit.histogramPercent());
    }

    @Test
    void anOverconfidentForecasterPutsItsPitValuesInTheTailsAndCoversLess() {
        PitCalibration pit = new PitCalibration();
        for (int i = 0; i < 50; i++) {
            pit.add(0.01);
            pit.add(0.99);
        }
        assertEquals(0.0, pit.coverage90());
        assertEquals(0.8, pit.totalVariationFromUniform(), 1e-12, "all mass in two of ten bins");
        assertEquals(5.0, pit.largestBinRatio(), 1e-12);
    }

    @Test
    void notObservedChannelsAreSkippedAndValuesOutsideTheUnitIntervalRefused() {
        PitCalibration pit = new PitCalibration();
        pit.add(Double.NaN);
        assertEquals(0, pit.count());
        assertThrows(IllegalArgumentException.class, () -> pit.add(1.5));
    }

    @Test
    void mergingAddsTheCounts() {
        PitCalibration a = new PitCalibration();
        PitCalibration b = new PitCalibration();
        a.add(0.5);
        b.add(0.01);
        a.add(b);
        assertEquals(2, a.count());
        assertEquals(0.5, a.coverage90(), 1e-12);
    }
}
