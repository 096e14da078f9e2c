package io.odestream.cli;

import java.util.concurrent.TimeUnit;

/**
 * Replays event times at {@code speedup} times real time: the record with event time t is due
 * (t - t0) / speedup after the first record, measured from the start, so sleeps do not add up
 * drift. Event times that go backwards are due at once. speedup 0 = no waiting at all.
 */
final class Pacer {
    /** The clock and the sleep, replaceable so tests can check the schedule without waiting. */
    interface Clock {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;
    }

    static final Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    };

    private final double speedup;
    private final Clock clock;
    private long firstEventTime = Long.MIN_VALUE;
    private long latestEventTime;
    private long startNanos;

    Pacer(double speedup) {
        this(speedup, SYSTEM);
    }

    Pacer(double speedup, Clock clock) {
        this.clock = clock;
        if (!(speedup >= 0) || Double.isInfinite(speedup)) {
            throw new IllegalArgumentException("--speedup must be a finite number >= 0 or 'max', got " + speedup);
        }
        this.speedup = speedup;
    }

    /** Blocks until the record with {@code eventTime} is due. */
    void await(long eventTime) throws InterruptedException {
        if (speedup == 0) {
            return;
        }
        if (firstEventTime == Long.MIN_VALUE) {
            firstEventTime = eventTime;
            latestEventTime = eventTime;
            startNanos = clock.nanoTime();
            return;
        }
        latestEventTime = Math.max(latestEventTime, eventTime);
        long dueNanos = startNanos + (long) ((latestEventTime - firstEventTime) * 1e6 / speedup);
        long wait = dueNanos - clock.nanoTime();
        if (wait > 0) {
            clock.sleepNanos(wait);
        }
    }

    /** "max" or "0" = as fast as possible, otherwise a positive factor. */
    static double parseSpeedup(String text) {
        if (text.equalsIgnoreCase("max")) {
            return 0;
        }
        try {
            double v = Double.parseDouble(text);
            if (v >= 0 && !Double.isInfinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("--speedup '" + text + "' is not valid; give a factor such as 60 "
                + "(one minute of event time per second), or 0 / max for as fast as possible");
    }
}
