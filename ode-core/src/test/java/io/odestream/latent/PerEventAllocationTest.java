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
     * The MLP's Vector API kernel runs every batch (one series' row included) and allocates its
     * vectors until C2 compiles it away, so the path is measured in windows of events until one is
     * within the bound: a steady state that keeps allocating (a boxed vector, a per-call buffer)
     * fails every window.
     */
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(3, 3, 20, new int[] {32}, new int[] {32}, 1000.0);
    private static final int SAMPLES = 4;
    /** The returned objects with room to spare; a solve's {@code Solution} alone is over 1 kB. */
    private static final double BOUND_BYTES = 1_500;
    private static final int WINDOW_EVENTS = 200;
    private static final int MAX_WINDOWS = 100;

    @Test
    void aScoreAndAnUpdateAllocateOnlyWhatTheyReturn() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        LatentFilter filter = new LatentFilter(LatentOdeModel.create(SPEC, 11), "test", 1);
        long thread = Thread.currentThread().getId();
        for (ScoreMode mode : ScoreMode.values()) {
            Random random = new Random(4);
            double[] values = new double[3];
            double perEvent = Double.NaN;
            int window = 0;
            int event = 0;
            while (window < MAX_WINDOWS && !(perEvent <= BOUND_BYTES)) {
                // a new series each window: an untrained model's state drifts off over ~1 000 noise events
                long t = 0;
                java.util.Arrays.fill(values, 0.0);
                FilterState state = filter.update(filter.start(t), t, values, null);
                long before = threads.getThreadAllocatedBytes(thread);
                for (int i = 0; i < WINDOW_EVENTS; i++) {
                    t += 200 + random.nextInt(3_000);
                    for (int j = 0; j < 3; j++) {
                        values[j] = random.nextGaussian();
                    }
                    BatchUpdater.Outcome o = FilterBatchUpdater.scoreAndUpdate(filter,
                            new ObservationUpdate(state, t, values, null, SAMPLES, event++, mode));
                    state = o.next();
                }
                perEvent = (threads.getThreadAllocatedBytes(thread) - before) / (double) WINDOW_EVENTS;
                window++;
            }
            System.out.printf("%s: %.0f bytes allocated per score and update (window %d of %d events)%n", mode,
                    perEvent, window, WINDOW_EVENTS);
            assertTrue(perEvent <= BOUND_BYTES, mode + ": " + perEvent + " bytes per event after " + window
                    + " windows of " + WINDOW_EVENTS + " events");
        }
    }
}
