package io.odestream.finetune;

import io.odestream.demo.DemoStream;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.schema.Observation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Windows of a {@link DemoStream} before and after a regime change in which every frequency
 * doubles: the new regime is a DemoStream with events every 2 s on average over twice the span,
 * its times then compressed by 2 about each series' first event — the same sensors, noise and
 * missing values at the old event rate (1 s), with the fast oscillation's period ~7.5 s instead of ~15 s.
 */
public final class RegimeChange {
    private RegimeChange() {
    }

    /** 8 anomaly-free series of 10 minutes, the demo's defaults otherwise. */
    public static DemoStream.Config oldRegime(long seed) {
        return DemoStream.Config.defaults().withSeries(8).withAnomaliesPerSeries(0).withSeed(seed);
    }

    public static List<TrainingWindow> oldRegimeWindows(long seed, LatentOdeTraining.Config windows, int stride) {
        return windows(DemoStream.generate(oldRegime(seed)).trainingSeries(), 1, windows, stride);
    }

    /** The same length of stream as {@link #oldRegime}, every frequency doubled. */
    public static List<TrainingWindow> newRegimeWindows(long seed, LatentOdeTraining.Config windows, int stride) {
        return windows(DemoStream.generate(slowed(oldRegime(seed))).trainingSeries(), 2, windows, stride);
    }

    /** The new regime as observations (event times compressed about the stream's start), in time order. */
    public static List<Observation> newRegimeObservations(long seed) {
        DemoStream.Config base = oldRegime(seed);
        long origin = base.startMillis();
        List<Observation> out = new ArrayList<>();
        for (Observation o : DemoStream.generate(slowed(base)).observations()) {
            long t = origin + (o.getEventTime().toEpochMilli() - origin) / 2;
            out.add(Observation.newBuilder(o).setEventTime(Instant.ofEpochMilli(t)).build());
        }
        return out;
    }

    private static DemoStream.Config slowed(DemoStream.Config base) {
        return new DemoStream.Config(base.series(), base.channels(), base.startMillis(), base.span().multipliedBy(2),
                base.meanGap().multipliedBy(2), base.missingProbability(), 0, base.warmup(), base.noiseSigma(),
                base.levelShiftShare(), base.seed());
    }

    private static List<TrainingWindow> windows(List<LatentOdeTraining.Series> series, int speedUp,
                                                LatentOdeTraining.Config config, int stride) {
        List<TrainingWindow> all = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            LatentOdeTraining.Series original = series.get(s);
            long origin = original.timesMillis()[0];
            long[] times = original.timesMillis().clone();
            for (int k = 0; k < times.length; k++) {
                times[k] = origin + (times[k] - origin) / speedUp;
            }
            all.addAll(TrainingWindow.cutAll("sensor-" + s, new LatentOdeTraining.Series(times, original.values()),
                    config, stride));
        }
        return all;
    }
}
