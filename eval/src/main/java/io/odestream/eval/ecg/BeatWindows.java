package io.odestream.eval.ecg;

import java.util.ArrayList;
import java.util.List;

/**
 * One feature row per annotated beat: the signal in millivolts from {@code before} samples ahead of
 * the R-peak to {@code after} samples past it, every {@code stride}-th sample, less the window's
 * median (baseline wander), then the RR intervals before and after the beat divided by the mean RR
 * of the beats around it — the timing that marks a premature atrial beat, whose shape is often
 * normal. Beats whose window or neighbours fall outside the record are left out.
 *
 * @param features rows × {@link #width()}
 * @param abnormal whether each beat is annotated other than N
 * @param symbols  each beat's annotation symbol
 * @param seconds  each beat's R-peak time
 */
public record BeatWindows(double[] features, boolean[] abnormal, List<String> symbols, double[] seconds, int width) {
    /** Beats either side whose RR intervals make the local mean. */
    static final int RR_NEIGHBOURS = 8;

    /** An annotated beat: its sample index and symbol (N, A, V, ...). */
    public record Beat(int sample, String symbol) {
    }

    /**
     * @param adu        the signal in ADC units
     * @param zero       the ADC zero (baseline) of the header
     * @param gain       ADC units per millivolt
     * @param hz         sampling frequency
     * @param beats      the beat annotations in time order (non-beat annotations already left out)
     */
    public static BeatWindows cut(int[] adu, int zero, double gain, double hz, List<Beat> beats, int before, int after,
                                  int stride) {
        if (before < 0 || after < 1 || stride < 1) {
            throw new IllegalArgumentException("need before >= 0, after >= 1 and stride >= 1");
        }
        int points = (before + after + stride - 1) / stride;
        int width = points + 2;
        List<double[]> rows = new ArrayList<>();
        List<Boolean> abnormal = new ArrayList<>();
        List<String> symbols = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        double[] window = new double[points];
        for (int b = 1; b + 1 < beats.size(); b++) {
            int r = beats.get(b).sample();
            if (r - before < 0 || r + after > adu.length) {
                continue;
            }
            for (int k = 0; k < points; k++) {
                window[k] = (adu[r - before + k * stride] - zero) / gain;
            }
            double median = median(window);
            double[] row = new double[width];
            for (int k = 0; k < points; k++) {
                row[k] = window[k] - median;
            }
            double meanRr = meanRr(beats, b);
            row[points] = (r - beats.get(b - 1).sample()) / meanRr;
            row[points + 1] = (beats.get(b + 1).sample() - r) / meanRr;
            rows.add(row);
            abnormal.add(!beats.get(b).symbol().equals("N"));
            symbols.add(beats.get(b).symbol());
            seconds.add(r / hz);
        }
        double[] features = new double[rows.size() * width];
        boolean[] flags = new boolean[rows.size()];
        double[] times = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, features, i * width, width);
            flags[i] = abnormal.get(i);
            times[i] = seconds.get(i);
        }
        return new BeatWindows(features, flags, List.copyOf(symbols), times, width);
    }

    public int beats() {
        return abnormal.length;
    }

    private static double meanRr(List<Beat> beats, int b) {
        int from = Math.max(1, b - RR_NEIGHBOURS);
        int to = Math.min(beats.size() - 1, b + RR_NEIGHBOURS);
        return (beats.get(to).sample() - beats.get(from - 1).sample()) / (double) (to - from + 1);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
