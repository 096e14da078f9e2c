package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.odestream.alert.AlertDecision;
import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import io.odestream.latent.LevelFrame;
import java.io.IOException;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A series' keyed state grows with the history it holds: its recent observations and its alert
 * track start small and double up to the configured capacity and the policy's window. A young series
 * costs what it holds; state written when both were allocated in full (the fields are the same)
 * restores and behaves exactly as before.
 */
class SeriesStateGrowthTest {
    private static final int CAPACITY = 40; // 16, 32, then capped at 40
    private static final int CHANNELS = 3;
    private static final AlertPolicy POLICY = new AlertPolicy(100, 30, 0.05, 8.0, 0.2, 120_000L)
            .withValueLevel(true);
    private static final TypeSerializer<SeriesState> SERIALIZER = TypeInformation.of(SeriesState.class)
            .createSerializer(new SerializerConfigImpl());

    @Test
    void recentObservationsGrownFromEmptyHoldWhatAFullCapacityRingHolds() {
        RecentObservations grown = RecentObservations.empty(CAPACITY, CHANNELS);
        RecentObservations full = new RecentObservations(CAPACITY, CHANNELS);
        assertEquals(RecentObservations.INITIAL_SLOTS, grown.slots());
        Random random = new Random(11);
        double[] x = new double[CHANNELS];
        boolean[] observed = new boolean[CHANNELS];
        double[] a = new double[CHANNELS];
        double[] b = new double[CHANNELS];
        boolean[] ma = new boolean[CHANNELS];
        boolean[] mb = new boolean[CHANNELS];
        for (int k = 0; k < 150; k++) { // past the capacity's wrap several times
            for (int j = 0; j < CHANNELS; j++) {
                x[j] = random.nextGaussian();
                observed[j] = random.nextInt(4) != 0;
            }
            grown.add(1_000L * k, x, observed, CAPACITY);
            full.add(1_000L * k, x, observed, CAPACITY);
            assertEquals(full.size(), grown.size());
            for (int i = 0; i < full.size(); i++) {
                assertEquals(full.timeOf(i), grown.timeOf(i));
                full.readInto(i, a, ma);
                grown.readInto(i, b, mb);
                assertArrayEquals(a, b, "observation " + i + " after " + k);
                assertArrayEquals(ma, mb);
            }
            assertEquals(Math.min(CAPACITY, Math.max(16, Integer.highestOneBit(k) * 2)), grown.slots(),
                    "doubled when full, at most the capacity, after " + k);
        }
        assertEquals(full, grown, "grown to the capacity: the same slots as one allocated in full");
    }

    @Test
    void aYoungSeriesSerialisesWhatItHoldsNotAFullWindow() throws IOException {
        SeriesState young = series(RecentObservations.empty(CAPACITY, CHANNELS), POLICY.newTrack(), 1);
        SeriesState preallocated = series(new RecentObservations(CAPACITY, CHANNELS),
                new AlertTrack(POLICY.window()), 1);
        int youngBytes = serialised(young).length;
        int fullBytes = serialised(preallocated).length;
        // one observation: 16 slots of time + 3 values and 16 of score + 3 values, against 40 and 100
        int saved = (CAPACITY - 16) * 8 * (1 + CHANNELS) + (POLICY.window() - 16) * 8 * (1 + CHANNELS);
        assertEquals(fullBytes - saved, youngBytes, "the bytes of the slots it does not hold yet, no more");
    }

    @Test
    void stateWrittenWithFullLengthRingsRestoresAndBehavesAsBefore() throws IOException {
        // what the job wrote before the rings grew: both allocated in full (the same POJO fields)
        SeriesState written = series(new RecentObservations(CAPACITY, CHANNELS), new AlertTrack(POLICY.window()), 60);
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(SeriesState.class), "still a POJO, not Kryo");
        SeriesState restored = SERIALIZER.deserialize(new DataInputDeserializer(serialised(written)));
        SeriesState grownAlong = series(RecentObservations.empty(CAPACITY, CHANNELS), POLICY.newTrack(), 60);
        Random random = new Random(5);
        for (int k = 60; k < 400; k++) {
            double[] x = row(random, k);
            boolean[] all = {true, true, true};
            double score = k % 53 == 0 ? 30.0 : Math.abs(x[0]);
            written.recent.add(1_000L * k, x, all, CAPACITY);
            restored.recent.add(1_000L * k, x, all, CAPACITY);
            grownAlong.recent.add(1_000L * k, x, all, CAPACITY);
            long t = 1_000L * k;
            AlertDecision expected = POLICY.observe(written.alerts, t, score, Double.NaN, x, null);
            assertEquals(expected, POLICY.observe(restored.alerts, t, score, Double.NaN, x, null), "at " + k);
            assertEquals(expected, POLICY.observe(grownAlong.alerts, t, score, Double.NaN, x, null), "at " + k);
        }
        assertEquals(CAPACITY, restored.recent.slots(), "a full-length history never grows");
        assertEquals(POLICY.window(), restored.alerts.recent.length, "nor a full-window track");
        assertEquals(written.recent, restored.recent);
        assertEquals(written.alerts, restored.alerts);
        assertEquals(written.recent, grownAlong.recent, "and a grown one has caught up with both");
        assertEquals(written.alerts, grownAlong.alerts);
    }

    /** A moved series' frame is kept as its POJO fields, with the rest of its state (never Kryo). */
    @Test
    void aSeriesLevelFrameRoundTripsAsAPojo() throws IOException {
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(LevelFrame.class));
        SeriesState moved = series(RecentObservations.empty(CAPACITY, CHANNELS), POLICY.newTrack(), 3);
        moved.level = LevelFrame.of(CHANNELS);
        moved.level.shift[2] = 41.5;
        moved.level.run[0] = -2;
        moved.level.runSum[0] = -90.25;
        SeriesState restored = SERIALIZER.deserialize(new DataInputDeserializer(serialised(moved)));
        assertArrayEquals(moved.level.shift, restored.level.shift, 0.0);
        assertArrayEquals(moved.level.run, restored.level.run);
        assertArrayEquals(moved.level.runSum, restored.level.runSum, 0.0);
    }

    /** A series that absorbed {@code events} observations into these rings (the alert track scored each). */
    private static SeriesState series(RecentObservations recent, AlertTrack track, int events) {
        SeriesState s = new SeriesState();
        s.recent = recent;
        s.alerts = track;
        Random random = new Random(5);
        for (int k = 0; k < events; k++) {
            double[] x = row(random, k);
            s.recent.add(1_000L * k, x, new boolean[] {true, true, true}, CAPACITY);
            POLICY.observe(s.alerts, 1_000L * k, k % 53 == 0 ? 30.0 : Math.abs(x[0]), Double.NaN, x, null);
            s.observations++;
            s.lastEventMillis = 1_000L * k;
        }
        return s;
    }

    private static double[] row(Random random, int k) {
        return new double[] {random.nextGaussian(), random.nextGaussian() + k * 1e-3, random.nextGaussian()};
    }

    private static byte[] serialised(SeriesState s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        SERIALIZER.serialize(s, out);
        return out.getCopyOfBuffer();
    }
}
