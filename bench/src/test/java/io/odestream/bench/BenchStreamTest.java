package io.odestream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoStream;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchStreamTest {
    private static final long START = 1_704_067_200_000L;
    private static final int KEYS = 300;
    private static final Duration SPAN = Duration.ofSeconds(40);
    private static final Duration GAP = Duration.ofSeconds(1);
    private static final double RATE = 0.05;

    private static BenchStream stream() {
        return BenchStream.generate(KEYS, START, SPAN, GAP, RATE, 11);
    }

    @Test
    void everySeriesHasAboutSpanOverGapEventsInEventTimeOrder() {
        BenchStream s = stream();
        // Poisson: 300 series x 40 events, sd ~110; 5 sd either side
        assertTrue(Math.abs(s.size() - KEYS * 40) < 550, "events: " + s.size());
        assertEquals(KEYS, s.observations().stream().map(Observation::getSeriesId).distinct().count());
        long previous = Long.MIN_VALUE;
        for (Observation o : s.observations()) {
            long t = o.getEventTime().toEpochMilli();
            assertTrue(t >= previous && t >= START && t < START + SPAN.toMillis());
            previous = t;
            assertEquals(3, o.getValues().size());
            assertTrue(o.getValues().stream().anyMatch(v -> v != null), "some channel observed");
        }
    }

    @Test
    void aRateShareOfTheEventsAfterEachSeriesThirdGetsAOneChannelJumpOfSixToTenSigma() {
        BenchStream s = stream();
        List<Observation> clean = DemoStream.generate(new DemoStream.Config(KEYS, 3, START, SPAN, GAP, 0.15, 0,
                Duration.ZERO, BenchStream.NOISE_SIGMA, 0.0, 11)).observations();
        assertEquals(clean.size(), s.size());
        Map<String, Integer> seen = new HashMap<>();
        int eligible = 0;
        int jumps = 0;
        for (int i = 0; i < s.size(); i++) {
            Observation o = s.observations().get(i);
            Observation c = clean.get(i);
            int index = seen.merge(o.getSeriesId(), 1, Integer::sum);
            eligible += index > 3 ? 1 : 0;
            boolean marked = s.anomalies().contains(BenchStream.key(o.getSeriesId(), o.getEventTime().toEpochMilli()));
            int changed = 0;
            for (int j = 0; j < 3; j++) {
                Double v = o.getValues().get(j);
                Double w = c.getValues().get(j);
                assertEquals(v == null, w == null, "missing channels stay missing");
                if (v != null && !v.equals(w)) {
                    changed++;
                    double sigmas = Math.abs(v - w) / BenchStream.NOISE_SIGMA;
                    assertTrue(sigmas >= 6 - 1e-9 && sigmas <= 10 + 1e-9, "jump of " + sigmas + " sigma");
                }
            }
            assertEquals(marked ? 1 : 0, changed, "a marked event has exactly one changed channel, others none");
            assertTrue(!marked || index > 3, "no jump in a series' first three events");
            jumps += marked ? 1 : 0;
        }
        // binomial(eligible ~ 11 100, 0.05): mean ~555, sd ~23; 5 sd either side
        double expected = RATE * eligible;
        assertTrue(Math.abs(jumps - expected) < 5 * Math.sqrt(expected), jumps + " jumps, expected ~" + expected);
        assertEquals(jumps, s.anomalies().size());
    }

    @Test
    void theNoiseAndTheJumpsUnitAreTheNoiseTheBundledDemoModelWasTrainedOn() {
        String data = DemoModel.bundled().getLineage().get("data");
        assertTrue(data.contains(String.format(Locale.ROOT, "noise %.3g", BenchStream.NOISE_SIGMA)),
                "the bundled model's training data (" + data + ") has the benchmark's noise " + BenchStream.NOISE_SIGMA);
    }

    @Test
    void theSameSeedGivesTheSameStream() {
        assertEquals(stream(), stream());
    }
}
