package io.odestream.eval.ecg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Windows and RR features of a synthetic signal whose values are known at every sample. */
class BeatWindowsTest {

    @Test
    void aPrematureBeatHasAShortRrBeforeAndALongOneAfter() {
        int[] adu = new int[1000];
        for (int i = 0; i < adu.length; i++) {
            adu[i] = 1024 + i % 7; // baseline 1024, a ramp of 0..6 ADC units
        }
        // Beats every 100 samples, the fifth 40 samples early (premature) and annotated A.
        List<BeatWindows.Beat> beats = List.of(new BeatWindows.Beat(100, "N"), new BeatWindows.Beat(200, "N"),
                new BeatWindows.Beat(300, "N"), new BeatWindows.Beat(400, "N"), new BeatWindows.Beat(460, "A"),
                new BeatWindows.Beat(600, "N"), new BeatWindows.Beat(700, "N"));
        BeatWindows w = BeatWindows.cut(adu, 1024, 2.0, 100.0, beats, 4, 4, 2);
        // The first and last beats have no RR on one side: 5 rows; 4 window points + 2 RR features.
        assertEquals(5, w.beats());
        assertEquals(6, w.width());
        assertArrayEquals(new boolean[] {false, false, false, true, false}, w.abnormal());
        int a = 3;
        // Window of the A beat: samples 456, 458, 460, 462 → (i % 7)/2 mV = 0.5, 1.5, 2.5, 0 less their median 1.0.
        assertArrayEquals(new double[] {-0.5, 0.5, 1.5, -1.0}, java.util.Arrays.copyOfRange(w.features(), a * 6, a * 6 + 4),
                1e-12);
        // Mean RR of its neighbourhood: (700 − 100) / 6 = 100 samples; RR before 60, after 140.
        assertEquals(0.6, w.features()[a * 6 + 4], 1e-12);
        assertEquals(1.4, w.features()[a * 6 + 5], 1e-12);
        assertEquals(4.6, w.seconds()[a], 1e-12);
    }
}
