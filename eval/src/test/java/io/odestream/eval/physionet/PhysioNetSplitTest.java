package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The split: every 5th stay by numeric RecordID is a test stay, whatever order the files came in. */
class PhysioNetSplitTest {

    private static Series stay(int id) {
        return new Series(new long[] {0L, id}, new double[][] {{id}, {id}});
    }

    @Test
    void fiveHundredStaysSplitFourHundredToOneHundredByRecordIdDeterministically() {
        List<Integer> order = new ArrayList<>();
        for (int id = 1; id <= 500; id++) {
            order.add(132_000 + id);
        }
        Collections.shuffle(order, new Random(7));
        List<String> ids = order.stream().map(String::valueOf).toList();
        List<Series> series = order.stream().map(PhysioNetSplitTest::stay).toList();

        PhysioNetSplit split = PhysioNetSplit.of(ids, series);

        assertEquals(400, split.trainIds().size());
        assertEquals(100, split.testIds().size());
        for (int n = 1; n <= 100; n++) {
            // the n-th test stay is the (5n)-th id in ascending order
            assertEquals(String.valueOf(132_000 + 5 * n), split.testIds().get(n - 1));
        }
        Set<String> all = new HashSet<>(split.trainIds());
        all.addAll(split.testIds());
        assertEquals(500, all.size(), "train and test are disjoint and cover every stay");
        for (int i = 0; i < split.testIds().size(); i++) {
            // series travel with their ids
            assertEquals(Double.parseDouble(split.testIds().get(i)), split.test().get(i).values()[0][0]);
        }
        List<String> reversedIds = new ArrayList<>(ids);
        List<Series> reversedSeries = new ArrayList<>(series);
        Collections.reverse(reversedIds);
        Collections.reverse(reversedSeries);
        PhysioNetSplit again = PhysioNetSplit.of(reversedIds, reversedSeries);
        assertEquals(split.testIds(), again.testIds(), "the input order does not matter");
        assertEquals(split.trainIds(), again.trainIds());
    }

    @Test
    void idsAreSortedAsNumbersNotAsText() {
        // as text "10" < "5"; as numbers the 5th smallest of 1..10 is 5
        List<String> ids = List.of("10", "9", "8", "7", "6", "5", "4", "3", "2", "1");
        List<Series> series = ids.stream().map(id -> stay(Integer.parseInt(id))).toList();
        PhysioNetSplit split = PhysioNetSplit.of(ids, series);
        assertEquals(List.of("5", "10"), split.testIds());
        assertEquals(List.of("1", "2", "3", "4", "6", "7", "8", "9"), split.trainIds());
        assertSame(series.get(5), split.test().get(0));
    }

    @Test
    void aTrainingSubsetIsEvenlySpreadByRecordIdWhateverTheFileOrder() {
        List<String> ids = List.of("10", "9", "8", "7", "6", "5", "4", "3", "2", "1");
        List<Series> series = ids.stream().map(id -> stay(Integer.parseInt(id))).toList();
        // positions ⌊i·10/4⌋ = 0, 2, 5, 7 of 1..10 in id order
        List<Series> four = PhysioNetSplit.evenlySpread(ids, series, 4);
        assertEquals(List.of(1.0, 3.0, 6.0, 8.0), four.stream().map(s -> s.values()[0][0]).toList());
        assertEquals(10, PhysioNetSplit.evenlySpread(ids, series, 50).size());
        assertThrows(IllegalArgumentException.class, () -> PhysioNetSplit.evenlySpread(ids, series, 0));
    }

    @Test
    void badIdsAreRejectedWithTheReason() {
        Series s = stay(1);
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> PhysioNetSplit.of(List.of("abc"), List.of(s)));
        assertTrue(text.getMessage().contains("numeric RecordIDs"), text.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> PhysioNetSplit.of(List.of("7", "7"), List.of(s, s)));
        assertTrue(twice.getMessage().contains("unique"), twice.getMessage());
        IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                () -> PhysioNetSplit.of(List.of("1", "2"), List.of(s)));
        assertTrue(misaligned.getMessage().contains("aligned"), misaligned.getMessage());
    }
}
