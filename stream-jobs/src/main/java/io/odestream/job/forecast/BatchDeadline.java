package io.odestream.job.forecast;

import java.time.Duration;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * The processing-time timer that runs a micro-batch once its oldest entry has waited the delay
 * ({@link MicroBatching#maxDelay()}), shared by {@link PosteriorUpdater} and {@link ForecastBatcher}.
 * At most one timer is pending: an entry that arrives while one is set is covered by it, since the
 * batch it joins runs then.
 */
final class BatchDeadline {
    private final ProcessingTimeService time;
    private final long delayMillis;
    private final ThrowingRunnable<Exception> runBatch;
    private long due = Long.MAX_VALUE;

    BatchDeadline(ProcessingTimeService time, Duration delay, ThrowingRunnable<Exception> runBatch) {
        this.time = time;
        this.delayMillis = delay.toMillis();
        this.runBatch = runBatch;
    }

    /** The batch holds entries that must not wait longer than the delay from now. */
    void waiting() {
        long at = time.getCurrentProcessingTime() + delayMillis;
        if (at < due) {
            due = at;
            time.registerTimer(at, firedAt -> {
                due = Long.MAX_VALUE;
                runBatch.run();
            });
        }
    }
}
