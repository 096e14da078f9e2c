package io.odestream.bench;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.Prediction;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SeriesMonitor;
import io.odestream.nn.FieldPrecision;
import io.odestream.nn.VectorKernels;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What {@code -Dodestream.fieldPrecision=float32} moves (bench/README.md, "float32 forward passes"): the demo
 * stream (the demo's default size and seed) through the job's per-series step twice side by side, once with
 * the bundled model's MLPs built in float64 (the default) and once in float32, each series keeping its own
 * states as the job would. Per score mode it prints the largest difference of a score (the negative log
 * density, absolute and relative to max(1, |score|)), of a z-score and of a predictive mean; how many alert
 * decisions differ; and, every {@value #FORECAST_EVERY}th event, the largest difference of a forecast's mean
 * and standard deviation (data units; {@value #FORECAST_SAMPLES} samples, the same seed both ways) at
 * +1, +10 and +60 s.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.odestream.bench.FieldPrecisionDifference
 * </pre>
 */
public final class FieldPrecisionDifference {
    static final int FORECAST_EVERY = 10;
    static final int FORECAST_SAMPLES = 16;
    private static final long[] HORIZONS_MILLIS = {1_000, 10_000, 60_000};

    private FieldPrecisionDifference() {
    }

    public static void main(String[] args) {
        if (FieldPrecision.fromProperty() != FieldPrecision.FLOAT64) {
            throw new IllegalStateException("run without -D" + FieldPrecision.PROPERTY
                    + ": the baseline side is the JVM's default (float64)");
        }
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(12)
                .withSpan(Duration.ofMinutes(10)).withSeed(20240101));
        List<Observation> events = new ArrayList<>(stream.observations());
        events.sort(Comparator.comparingLong(o -> o.getEventTime().toEpochMilli()));
        System.out.printf("%d events of 12 series (demo stream, seed 20240101); %s%n", events.size(),
                VectorKernels.describe());
        for (ScoreMode mode : new ScoreMode[] {ScoreMode.SIGMA_POINTS, ScoreMode.MEAN_PATH, ScoreMode.MONTE_CARLO}) {
            System.out.println(mode + ": " + compare(events, DemoSetup.monitorSettings().withScoreMode(mode)));
        }
    }

    private static String compare(List<Observation> events, MonitorSettings settings) {
        LatentFilter float64 = LatentFilter.init(DemoModel.bundled());
        LatentFilter float32 = PerEventCostBenchmark.withFloat32Fields();
        OfflineStep a = new OfflineStep(float64, new SeriesMonitor(settings));
        OfflineStep b = new OfflineStep(float32, new SeriesMonitor(settings));
        Worst score = new Worst();
        Worst scoreRelative = new Worst();
        Worst z = new Worst();
        Worst mean = new Worst();
        Worst forecastMean = new Worst();
        Worst forecastStd = new Worst();
        double largestScore = 0;
        int scored = 0;
        int alertsA = 0;
        int alertsB = 0;
        int decisionsDiffer = 0;
        int kindsDiffer = 0;
        int forecasts = 0;
        for (int i = 0; i < events.size(); i++) {
            Observation o = events.get(i);
            SeriesMonitor.Verdict va = a.step(o);
            SeriesMonitor.Verdict vb = b.step(o);
            alertsA += va.raisesAlert() ? 1 : 0;
            alertsB += vb.raisesAlert() ? 1 : 0;
            decisionsDiffer += va.raisesAlert() != vb.raisesAlert() ? 1 : 0;
            if (va.kind() != vb.kind() || (va.score() == null) != (vb.score() == null)) {
                kindsDiffer++;
                continue;
            }
            if (va.score() != null) {
                scored++;
                double sa = va.score().negativeLogDensity();
                double sb = vb.score().negativeLogDensity();
                largestScore = Math.max(largestScore, Math.abs(sa));
                score.add(Math.abs(sa - sb));
                scoreRelative.add(Math.abs(sa - sb) / Math.max(1.0, Math.abs(sa)));
                z.add(largestDifference(va.score().zScores(), vb.score().zScores()));
                mean.add(largestDifference(va.score().predictiveMeans(), vb.score().predictiveMeans()));
            }
            if (i % FORECAST_EVERY == 0) {
                FilterState sa = a.state(o.getSeriesId());
                FilterState sb = b.state(o.getSeriesId());
                if (sa != null && sb != null) {
                    long[] times = new long[HORIZONS_MILLIS.length];
                    for (int h = 0; h < times.length; h++) {
                        times[h] = sa.timeMillis() + HORIZONS_MILLIS[h];
                    }
                    Prediction pa = float64.predict(sa, times, FORECAST_SAMPLES, i, false);
                    Prediction pb = float32.predict(sb, times, FORECAST_SAMPLES, i, false);
                    for (int h = 0; h < times.length; h++) {
                        if (pa.answered(h) && pb.answered(h)) {
                            forecastMean.add(largestDifference(pa.mean()[h], pb.mean()[h]));
                            forecastStd.add(largestDifference(pa.std()[h], pb.std()[h]));
                            forecasts++;
                        }
                    }
                }
            }
        }
        return String.format(Locale.ROOT, "%d scores (largest |score| %.1f): score differs by at most %.3g (%.3g "
                + "relative), a z-score by %.3g, a predictive mean by %.3g; alerts %d (float64) vs %d (float32), "
                + "%d decisions differ, %d verdicts of another kind; %d forecast points: mean differs by at most "
                + "%.3g, std by %.3g", scored, largestScore, score.value, scoreRelative.value, z.value, mean.value,
                alertsA, alertsB, decisionsDiffer, kindsDiffer, forecasts, forecastMean.value, forecastStd.value);
    }

    private static double largestDifference(double[] x, double[] y) {
        double worst = 0;
        for (int j = 0; j < x.length; j++) {
            if (Double.isFinite(x[j]) || Double.isFinite(y[j])) {
                double d = Math.abs(x[j] - y[j]);
                worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            }
        }
        return worst;
    }

    private static final class Worst {
        double value;

        void add(double v) {
            value = Math.max(value, v);
        }
    }
}
