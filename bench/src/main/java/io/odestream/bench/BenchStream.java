package io.odestream.bench;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoStream;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The benchmark's observations: the demo's sensor physics ({@link DemoStream}: three coupled
 * channels, Poisson event times, 15 % missing channels) at the noise the bundled demo model was
 * trained on ({@link #NOISE_SIGMA}), so the model sees the kind of data it was trained on, for any
 * number of series. DemoStream places its own anomalies
 * only where a series has about 40 events of room, which a benchmark's short series do not have;
 * so the anomalies are injected here: a {@code rate} share of the events after each series' third
 * gets a jump of 6–10 noise σ on one observed channel (a one-event spike).
 *
 * @param observations every observation, in event-time order
 * @param anomalies    {@link #key} of every event that was given a jump
 */
record BenchStream(List<Observation> observations, Set<String> anomalies) {
    /**
     * σ of the measurement noise, and the unit of the injected jumps: the noise of the bundled model's
     * training data (0.2). A model learns the noise of its data; it was 0.1 here until 2026-12-06,
     * half of it, so a "6–10 σ" jump was 3–5 σ of the noise the model expects, and the model's
     * predictive (noise 0.26–0.33 learnt, ColdStartSeparation's notes in bench/README.md) could not
     * tell it from noise.
     */
    static final double NOISE_SIGMA = DemoModel.trainingConfig().noiseSigma();
    private static final int SETTLE_EVENTS = 3;

    /**
     * {@code keys} series whose events come {@code meanGap} apart on average over {@code span} of
     * event time from {@code startMillis}: about {@code keys · span / meanGap} observations.
     */
    static BenchStream generate(int keys, long startMillis, Duration span, Duration meanGap, double rate, long seed) {
        return generate(keys, startMillis, span, meanGap, rate, seed, 1);
    }

    /** As above, with every jump {@code jumpScale} times as large (6–10 σ at 1). */
    static BenchStream generate(int keys, long startMillis, Duration span, Duration meanGap, double rate, long seed,
                                double jumpScale) {
        DemoStream.Config config = new DemoStream.Config(keys, 3, startMillis, span, meanGap, 0.15, 0, Duration.ZERO,
                NOISE_SIGMA, 0.0, seed);
        List<Observation> clean = DemoStream.generate(config).observations();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Map<String, int[]> seen = new HashMap<>(keys * 2);
        List<Observation> out = new ArrayList<>(clean.size());
        Set<String> anomalies = new HashSet<>();
        for (Observation o : clean) {
            int[] count = seen.computeIfAbsent(o.getSeriesId(), k -> new int[1]);
            if (count[0]++ >= SETTLE_EVENTS && random.nextDouble() < rate) {
                out.add(withJump(o, random, jumpScale));
                anomalies.add(key(o.getSeriesId(), o.getEventTime().toEpochMilli()));
            } else {
                out.add(o);
            }
        }
        return new BenchStream(Collections.unmodifiableList(out), Collections.unmodifiableSet(anomalies));
    }

    /** Identity of an event, as alerts carry it: series and event time. */
    static String key(String seriesId, long eventMillis) {
        return seriesId + "@" + eventMillis;
    }

    int size() {
        return observations.size();
    }

    private static Observation withJump(Observation o, SplittableRandom random, double scale) {
        List<Double> values = new ArrayList<>(o.getValues());
        int channel = random.nextInt(values.size());
        while (values.get(channel) == null) { // DemoStream never leaves every channel missing
            channel = (channel + 1) % values.size();
        }
        double sign = random.nextBoolean() ? 1 : -1;
        values.set(channel, values.get(channel) + sign * scale * (6 + 4 * random.nextDouble()) * NOISE_SIGMA);
        return Observation.newBuilder(o).setValues(values).build();
    }
}
