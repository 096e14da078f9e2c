package io.odestream.alert;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RingCounts} on the Vector API: loaded only where the JVM has {@code jdk.incubator.vector}.
 * The lanes past the last whole vector go through the loops.
 */
final class VectorRingCounts {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private VectorRingCounts() {
    }

    // one loop per comparison, each with its operator a constant: C2 intrinsifies a compare only then, and
    // otherwise boxes every vector (the per-event allocation test caught 26 kB per event)
    static int atLeast(double[] ring, int from, int n, double level) {
        int count = 0;
        int end = from + whole(n);
        for (int i = from; i < end; i += SPECIES.length()) {
            count += DoubleVector.fromArray(SPECIES, ring, i).compare(VectorOperators.GE, level).trueCount();
        }
        return count + RingCounts.loopAtLeast(ring, end, n - whole(n), level);
    }

    static int above(double[] ring, int from, int n, double level) {
        int count = 0;
        int end = from + whole(n);
        for (int i = from; i < end; i += SPECIES.length()) {
            count += DoubleVector.fromArray(SPECIES, ring, i).compare(VectorOperators.GT, level).trueCount();
        }
        return count + RingCounts.loopAbove(ring, end, n - whole(n), level);
    }

    static int equal(double[] ring, int from, int n, double value) {
        int count = 0;
        int end = from + whole(n);
        for (int i = from; i < end; i += SPECIES.length()) {
            count += DoubleVector.fromArray(SPECIES, ring, i).compare(VectorOperators.EQ, value).trueCount();
        }
        return count + RingCounts.loopEqual(ring, end, n - whole(n), value);
    }

    static int observed(double[] ring, int from, int n) {
        int count = 0;
        int end = from + whole(n);
        for (int i = from; i < end; i += SPECIES.length()) {
            DoubleVector x = DoubleVector.fromArray(SPECIES, ring, i);
            count += x.compare(VectorOperators.EQ, x).trueCount(); // NaN is not equal to itself
        }
        return count + RingCounts.loopObserved(ring, end, n - whole(n));
    }

    private static int whole(int n) {
        return SPECIES.loopBound(n);
    }
}
