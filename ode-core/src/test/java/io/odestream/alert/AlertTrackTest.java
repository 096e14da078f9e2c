package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertTrack} is keyed Flink state: it must satisfy Flink's POJO rules (checked here by
 * reflection, since ode-core may not depend on Flink) so the POJO serializer, not Kryo, handles it.
 */
class AlertTrackTest {

    @Test
    void isAFlinkPojoOfPrimitiveFields() throws Exception {
        Class<AlertTrack> type = AlertTrack.class;
        assertTrue(Modifier.isPublic(type.getModifiers()), "public class");
        assertTrue(Modifier.isPublic(type.getConstructor().getModifiers()), "public no-arg constructor");
        int stateFields = 0;
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m)) {
                continue;
            }
            stateFields++;
            assertTrue(Modifier.isPublic(m) && !Modifier.isFinal(m) && !Modifier.isTransient(m),
                    f.getName() + " must be public, non-final, non-transient");
            Class<?> t = f.getType();
            assertTrue(t.isPrimitive() || (t.isArray() && t.getComponentType().isPrimitive()),
                    f.getName() + " must be a primitive or primitive array, is " + t);
        }
        assertEquals(14, stateFields, "ring, size, next, open, raisedAtMillis, quietSinceMillis, recentMeans, "
                + "surprisals, surprisalNext, recentValues, incidentPeak, producerKind, producerModelIdHash, "
                + "producerModelVersion");
    }

    @Test
    void aNewTrackIsEmptyAndClosed() {
        AlertTrack track = new AlertTrack(8);
        assertEquals(0, track.history());
        assertEquals(8, track.recent.length);
        assertFalse(track.open);
        assertEquals(AlertTrack.NOT_QUIET, track.quietSinceMillis);
        assertEquals(new AlertTrack(8), track);
        assertFalse(new AlertTrack(8).equals(new AlertTrack(9)), "rings of different windows differ");
    }

    @Test
    void theRingKeepsTheNewestScoresInArrivalOrder() {
        AlertTrack track = new AlertTrack(3);
        for (int i = 1; i <= 5; i++) {
            track.push(i);
        }
        assertEquals(3, track.history());
        track.fitTo(4); // grows: the three kept scores first, oldest first, then room for one more
        assertEquals(3, track.history());
        assertEquals(3.0, track.recent[0]);
        assertEquals(4.0, track.recent[1]);
        assertEquals(5.0, track.recent[2]);
        assertEquals(3, track.next);
        track.push(6);
        assertEquals(4, track.history());
        assertEquals(0, track.next, "a full ring writes over the oldest next");
    }

    @Test
    void aCalibrationSampleHoldsTheScoresOfOneProducerAndRestartsWhenItChanges() {
        AlertTrack track = new AlertTrack(4);
        assertFalse(track.scoresFrom(1, "m".hashCode(), 1), "an empty sample has nothing to mix");
        track.push(3.0);
        track.push(4.0);
        assertFalse(track.scoresFrom(1, "m".hashCode(), 1), "the same producer keeps its sample");
        assertEquals(2, track.history());

        track.open = true;
        track.raisedAtMillis = 5_000;
        track.incidentPeak = 9.0;
        assertTrue(track.scoresFrom(1, "m".hashCode(), 2), "another model version");
        assertEquals(0, track.history(), "the next scores are judged by the warm-up rule");
        assertTrue(track.open, "the open incident stays open: the change raises nothing again");
        assertEquals(5_000, track.raisedAtMillis);
        assertEquals(9.0, track.incidentPeak);

        track.push(1.0);
        assertTrue(track.scoresFrom(2, "m".hashCode(), 2), "another kind of score");
        assertEquals(0, track.history());
        track.push(1.0);
        assertTrue(track.scoresFrom(2, "other".hashCode(), 2), "another model lineage");
        assertEquals(2, track.producerKind);
        assertEquals("other".hashCode(), track.producerModelIdHash);
        assertEquals(2, track.producerModelVersion);
        assertThrows(IllegalArgumentException.class, () -> track.scoresFrom(AlertTrack.UNKNOWN_PRODUCER, 0, 0));
    }

    @Test
    void aTrackRestoredFromStateThatDidNotRecordItsProducerRestartsAtItsFirstScore() {
        AlertTrack restored = new AlertTrack(4); // what Flink restores: the new fields at their defaults
        restored.push(2.0);
        restored.push(2.5);
        assertEquals(AlertTrack.UNKNOWN_PRODUCER, restored.producerKind);
        assertTrue(restored.scoresFrom(1, "m".hashCode(), 1), "nothing says its scores are of the kind taken now");
        assertEquals(0, restored.history());
        AlertTrack copy = restored.copy();
        assertEquals(restored, copy, "a copy keeps the producer");
        copy.producerModelVersion = 7;
        assertFalse(restored.equals(copy), "the producer is part of the state");
    }
}
