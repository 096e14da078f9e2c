package io.odestream.alert;

import io.odestream.nn.VectorKernels;

/**
 * The counts the alert policy takes over a ring each score: how many recent points are at least, above
 * or equal to a level, and how many are observed (not NaN). On the Vector API where the JVM has it
 * ({@link VectorKernels#enabled()}: a compare and a lane count per vector), else in branch-free loops
 * (a random sample mispredicts half the branches of {@code if (x ≥ s) n++}); the same counts either way.
 * A month's window is 8 640 points per ring, and the value level passes over one ring per channel.
 */
final class RingCounts {
    private static final boolean VECTOR = VectorKernels.enabled();

    private RingCounts() {
    }

    /** Whether the counts run on the Vector API (else a caller may fuse the loops of several counts). */
    static boolean vectorised() {
        return VECTOR;
    }

    /** #{i in [from, from + n): ring[i] ≥ level} (NaN never counts). */
    static int atLeast(double[] ring, int from, int n, double level) {
        return VECTOR ? VectorRingCounts.atLeast(ring, from, n, level) : loopAtLeast(ring, from, n, level);
    }

    /** #{i in [from, from + n): ring[i] > level} (NaN never counts). */
    static int above(double[] ring, int from, int n, double level) {
        return VECTOR ? VectorRingCounts.above(ring, from, n, level) : loopAbove(ring, from, n, level);
    }

    /** #{i in [from, from + n): ring[i] = value}. */
    static int equal(double[] ring, int from, int n, double value) {
        return VECTOR ? VectorRingCounts.equal(ring, from, n, value) : loopEqual(ring, from, n, value);
    }

    /** #{i in [from, from + n): ring[i] is not NaN}. */
    static int observed(double[] ring, int from, int n) {
        return VECTOR ? VectorRingCounts.observed(ring, from, n) : loopObserved(ring, from, n);
    }

    static int loopAtLeast(double[] ring, int from, int n, double level) {
        int count = 0;
        for (int i = from; i < from + n; i++) {
            count += ring[i] >= level ? 1 : 0;
        }
        return count;
    }

    static int loopAbove(double[] ring, int from, int n, double level) {
        int count = 0;
        for (int i = from; i < from + n; i++) {
            count += ring[i] > level ? 1 : 0;
        }
        return count;
    }

    static int loopEqual(double[] ring, int from, int n, double value) {
        int count = 0;
        for (int i = from; i < from + n; i++) {
            count += ring[i] == value ? 1 : 0;
        }
        return count;
    }

    static int loopObserved(double[] ring, int from, int n) {
        int count = 0;
        for (int i = from; i < from + n; i++) {
            double x = ring[i];
            count += x == x ? 1 : 0;
        }
        return count;
    }
}
