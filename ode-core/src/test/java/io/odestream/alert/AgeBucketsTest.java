package io.odestream.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link AgeBuckets}: ranges of a series' age, each from its start to the next one's, the last open. */
class AgeBucketsTest {
    @Test
    void anAgeFallsInTheLastBucketThatStartsAtOrBeforeIt() {
        AgeBuckets buckets = new AgeBuckets(0, 1, 2, 3, 4, 7, 15);
        int[] expected = {0, 1, 2, 3, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6};
        for (int age = 0; age < expected.length; age++) {
            assertEquals(expected[age], buckets.of(age), "age " + age);
        }
        assertEquals(6, buckets.of(10_000), "the last bucket is open");
        assertEquals("0, 1, 2, 3, 4–6, 7–14, 15+", buckets.toString());
        assertEquals("0, 1, 2–3, 4+", AgeBuckets.DEFAULT.toString(), "the product's");
    }

    @Test
    void bucketsMustStartAtZeroAndIncrease() {
        assertThrows(IllegalArgumentException.class, () -> new AgeBuckets(1, 2));
        assertThrows(IllegalArgumentException.class, () -> new AgeBuckets(0, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> new AgeBuckets());
        assertThrows(IllegalArgumentException.class, () -> AgeBuckets.DEFAULT.of(-1));
    }
}
