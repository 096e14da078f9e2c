package io.odestream.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Passes records through and notes when the first one passed, in any subtask: a pipeline's
 * throughput is counted from its first record, not from {@code execute}, so the job's start-up
 * (seconds on a MiniCluster) does not dilute it. A static clock works because the benchmark runs
 * Flink's local environment in its own JVM; call {@link #reset} before each job.
 */
final class FirstRecordClock<T> implements MapFunction<T, T> {
    private static final long serialVersionUID = 1L;
    private static final AtomicLong FIRST_NANOS = new AtomicLong(Long.MAX_VALUE);

    private transient boolean noted;

    @Override
    public T map(T record) {
        if (!noted) {
            noted = true;
            FIRST_NANOS.accumulateAndGet(System.nanoTime(), Math::min);
        }
        return record;
    }

    static void reset() {
        FIRST_NANOS.set(Long.MAX_VALUE);
    }

    /** System.nanoTime() of the first record since {@link #reset}. */
    static long firstNanos() {
        long t = FIRST_NANOS.get();
        if (t == Long.MAX_VALUE) {
            throw new IllegalStateException("no record passed the clock: the job read nothing");
        }
        return t;
    }
}
