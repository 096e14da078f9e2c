package io.odestream.job.forecast;

import java.io.Serializable;
import java.time.Duration;

/**
 * Micro-batching of the model's work across series (DESIGN.md's djl backend): {@link PosteriorUpdater}
 * scores and absorbs the observations that are due for many series in one {@link
 * io.odestream.latent.BatchUpdater} call (at most one per series per call, in each series' order), and
 * hands each forecast over as a {@link PendingForecast} that {@link ForecastBatcher} answers many series
 * at a time, so that a backend that pays per call (DJL, above all on a GPU) gets batches worth a call.
 *
 * @param backend  {@code java} (the JVM filter, row by row) or {@code djl} (ode-djl, one batched solve
 *                 per call)
 * @param device   {@code cpu}, {@code gpu} (the GPU the TaskManager's {@code gpu} external resource
 *                 assigns to the subtask) or {@code gpu:N}
 * @param maxRows  a batch is run as soon as it holds this many observations or forecasts; also before
 *                 every watermark is passed on, before every checkpoint barrier and at the end of input
 * @param maxDelay ... or when its oldest entry has waited this long (processing time); the latency a
 *                 record pays at most for being batched
 */
public record MicroBatching(String backend, String device, int maxRows, Duration maxDelay)
        implements Serializable {

    public MicroBatching {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("a batch backend is required: java or djl");
        }
        if (device == null || !device.matches("cpu|gpu(:\\d+)?")) {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + device + "'");
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be > 0, got " + maxDelay);
        }
    }

    /** 1024 rows or 20 ms, whichever comes first. */
    public static MicroBatching of(String backend, String device) {
        return new MicroBatching(backend, device, 1024, Duration.ofMillis(20));
    }
}
