package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-event path (score, then update, as the job's unbatched step runs them) allocates what it
 * returns — the {@link Score}, the next immutable {@link FilterState} and their arrays, a few hundred
 * bytes — and nothing per solve: no solution objects, no per-call buffers (they live in the filter's
 * workspace and the solver's). Before that the same event allocated ~5–7 kB.
 */
class PerEventAllocationTest {
    /**
     * Under 8 rows per solve (K = 4 samples, 2L + 1 = 7 sigma points): the MLP's Vector API kernel,
     * which allocates its vectors until C2 compiles it away, stays out of a test too short to warm it.
     */
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(3, 3, 20, new int[] {32}, new int[] {32}, 1000.0);
    private static final int SAMPLES = 4;
    /** The returned objects with room to spare; a solve's {@code Solution} alone is over 1 kB. */
    private static final double BOUND_BYTES = 1_500;

    @Test
    void aScoreAndAnUpdateAllocateOnlyWhatTheyReturn() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        LatentFilter filter = new LatentFilter(LatentOdeModel.create(SPEC, 11), "test", 1);
        for (ScoreMode mode : ScoreMode.values()) {
            Random random = new Random(4);
            double[] values = new double[3];
            long t = 0;
            FilterState state = filter.update(filter.start(t), t, values, null);
            long thread = Thread.currentThread().getId();
            long before = 0;
            int events = 400;
            int warmUp = 100;
            for (int i = 0; i < events; i++) {
                if (i == warmUp) {
                    before = threads.getThreadAllocatedBytes(thread);
                }
                t += 200 + random.nextInt(3_000);
                for (int j = 0; j < 3; j++) {
                    values[j] = random.nextGaussian();
                }
                BatchUpdater.Outcome o = FilterBatchUpdater.scoreAndUpdate(filter,
                        new ObservationUpdate(state, t, values, null, SAMPLES, i, mode));
                state = o.next();
            }
            double perEvent = (threads.getThreadAllocatedBytes(thread) - before) / (double) (events - warmUp);
            System.out.printf("%s: %.0f bytes allocated per score and update%n", mode, perEvent);
            assertTrue(perEvent <= BOUND_BYTES, mode + ": " + perEvent + " bytes per event");
        }
    }
}
