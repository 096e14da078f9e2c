package io.odestream.latent;

/**
 * One forecast of a micro-batch: the predictive distribution of the series in {@code state} at
 * {@code queryTimesMillis}, from {@code samples} posterior samples drawn with {@code seed} — the
 * arguments of {@link LatentFilter#predict}, gathered so that many series can be answered in one call.
 */
public record ForecastQuery(FilterState state, long[] queryTimesMillis, int samples, long seed) {
    public ForecastQuery {
        if (state == null) {
            throw new IllegalArgumentException("a forecast query needs the series' filter state");
        }
        if (queryTimesMillis == null || queryTimesMillis.length == 0) {
            throw new IllegalArgumentException("a forecast query needs at least one query time");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        queryTimesMillis = queryTimesMillis.clone();
    }

    @Override
    public long[] queryTimesMillis() {
        return queryTimesMillis.clone();
    }
}
