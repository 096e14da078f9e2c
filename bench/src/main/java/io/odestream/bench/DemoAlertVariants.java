package io.odestream.bench;

import io.odestream.alert.AlertPolicy;
import io.odestream.alert.PooledWarmUp;
import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SeriesMonitor;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The summary line of {@code odestream demo} (injected anomalies found, false alarms) for variants of
 * the demo's alert policy, without Flink or Kafka: the demo's stream (its default size and seed)
 * through the job's per-series step ({@link OfflineStep}), judged by {@link DemoSetup.Detection}. The
 * first line reproduces the demo's own summary (the default sigma-point score); the others say whether a
 * policy lever would hurt it, and the last what the Monte-Carlo score ({@link ScoreMode#MONTE_CARLO},
 * the option) gives. The bundled model ships its warm-up moments (every line but the one that says
 * otherwise judges young series by them); one line replays the model without them (the plain |z|).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.odestream.bench.DemoAlertVariants
 * </pre>
 */
public final class DemoAlertVariants {
    private DemoAlertVariants() {
    }

    public static void main(String[] args) {
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(12)
                .withSpan(Duration.ofMinutes(10)).withSeed(20240101));
        AlertPolicy demo = DemoSetup.alertPolicy();
        Map<String, AlertPolicy> variants = new LinkedHashMap<>();
        variants.put("the demo's policy", demo);
        variants.put("+ value level", demo.withValueLevel(true));
        variants.put("+ short window 30", demo.withShortWindow(30));
        variants.put("+ short window 30 + value level", demo.withShortWindow(30).withValueLevel(true));
        for (Map.Entry<String, AlertPolicy> e : variants.entrySet()) {
            System.out.println(e.getKey() + ": " + replay(stream, e.getValue(), ScoreMode.SIGMA_POINTS).summary(stream));
        }
        System.out.println("the demo's policy, warm-up on the plain largest |z| (the model without its shipped "
                + "moments): " + replay(stream, DemoSetup.monitorSettings(), withoutShippedMoments()).summary(stream));
        System.out.println("the demo's policy, warm-up on the pooled conditional z (run --alert-pooled-warmup-events "
                + "1000), refining the shipped moments: " + replay(stream, DemoSetup.monitorSettings()
                .withPooledWarmUp(PooledWarmUp.DEFAULT)).summary(stream));
        System.out.println("the demo's policy, Monte-Carlo score: "
                + replay(stream, demo, ScoreMode.MONTE_CARLO).summary(stream));
        System.out.println("the demo's policy, sigma points along the mean's path (run --score-mode mean-path): "
                + replay(stream, demo, ScoreMode.MEAN_PATH).summary(stream));
    }

    /**
     * One replay's alerts and the mean absolute error of its scores' predictive means against the
     * observed values (data units, over every scored channel): what a score mode does to the
     * expectation it judges an observation by.
     */
    private record Replay(List<AnomalyAlert> alerts, double meanAbsError) {
        String summary(DemoStream stream) {
            return DemoSetup.Detection.of(stream, alerts) + String.format(java.util.Locale.ROOT,
                    "; the scores' predictive-mean MAE %.4f", meanAbsError);
        }
    }

    private static Replay replay(DemoStream stream, AlertPolicy policy, ScoreMode mode) {
        return replay(stream, DemoSetup.monitorSettings().withAlertPolicy(policy).withScoreMode(mode));
    }

    /** The bundled model without the warm-up moments it ships: young series judged on the plain largest |z|. */
    private static LatentFilter withoutShippedMoments() {
        return new LatentFilter(LatentOdeModel.fromArtifact(DemoModel.bundled()).withWarmUp(null), DemoModel.MODEL_ID,
                DemoModel.VERSION);
    }

    private static Replay replay(DemoStream stream, MonitorSettings settings) {
        return replay(stream, settings, LatentFilter.init(DemoModel.bundled()));
    }

    private static Replay replay(DemoStream stream, MonitorSettings settings, LatentFilter filter) {
        OfflineStep job = new OfflineStep(filter, new SeriesMonitor(settings));
        List<Observation> ordered = new ArrayList<>(stream.observations());
        ordered.sort(Comparator.comparingLong(o -> o.getEventTime().toEpochMilli()));
        List<AnomalyAlert> alerts = new ArrayList<>();
        double absError = 0;
        long scored = 0;
        for (Observation o : ordered) {
            SeriesMonitor.Verdict v = job.step(o);
            if (v.score() != null) {
                for (int j = 0; j < o.getValues().size(); j++) {
                    Double x = o.getValues().get(j);
                    double mean = v.score().predictiveMeans()[j];
                    if (x != null && Double.isFinite(x) && Double.isFinite(mean)) {
                        absError += Math.abs(x - mean);
                        scored++;
                    }
                }
            }
            if (v.raisesAlert()) {
                alerts.add(AnomalyAlert.newBuilder().setSeriesId(o.getSeriesId()).setEventTime(o.getEventTime())
                        .setKind(AlertKind.ANOMALY).setScore(v.score().negativeLogDensity())
                        .setThreshold(v.decision().threshold()).setObserved(new ArrayList<>())
                        .setExpected(new ArrayList<>()).setModelVersion(0L).build());
            }
        }
        return new Replay(alerts, absError / scored);
    }
}
