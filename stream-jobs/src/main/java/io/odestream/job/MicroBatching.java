package io.odestream.job;

import java.io.Serializable;
import java.time.Duration;

/**
 * Micro-batching of forecasts (DESIGN.md's djl backend): the per-series operator hands each
 * forecast over as a {@link PendingForecast} and {@link ForecastBatcher} answers them many series at a
 * time, so that a backend that pays per call (DJL, above all on a GPU) gets batches worth a call.
 *
 * @param backend    {@code java} (the JVM filter, query by query) or {@code djl} (ode-djl, one batched
 *                   solve per batch)
 * @param device     {@code cpu}, {@code gpu} (the GPU the TaskManager's {@code gpu} external resource
 *                   assigns to the subtask) or {@code gpu:N}
 * @param maxQueries a batch is answered as soon as it holds this many forecasts
 * @param maxDelay   ... or when its oldest forecast has waited this long (processing time); the
 *                   latency a request pays at most for being batched
 */
public record ForecastBatching(String backend, String device, int maxQueries, Duration maxDelay)
        implements Serializable {

    public ForecastBatching {
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("a forecasting backend is required: java or djl");
        }
        if (device == null || !device.matches("cpu|gpu(:\\d+)?")) {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + device + "'");
        }
        if (maxQueries < 1) {
            throw new IllegalArgumentException("maxQueries must be >= 1, got " + maxQueries);
        }
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be > 0, got " + maxDelay);
        }
    }

    /** 1024 forecasts or 20 ms, whichever comes first. */
    public static ForecastBatching of(String backend, String device) {
        return new ForecastBatching(backend, device, 1024, Duration.ofMillis(20));
    }
}
