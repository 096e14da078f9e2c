package io.odestream.latent;

import java.util.Arrays;

/**
 * The query times on one side of a state's time, in the order a solve from that state visits them:
 * after it (forwards, ascending) or before it (backwards, descending), as model-time offsets, with
 * each one's position in the caller's query array. One place for it, so that every backend that
 * decodes forecasts ({@link LatentFilter}, ode-djl's batched predictor) orders them alike.
 *
 * @param relative offsets from the state's time in model units, in solve order
 * @param index    {@code relative[n]} is query {@code index[n]} of the caller's array
 */
public record QuerySide(double[] relative, int[] index) {

    /**
     * The query times at or after {@code origin}, ascending, as offsets to solve to under
     * {@code limits}: capped at the horizon ({@link ForecastLimits#solveTo}), so that a query of any
     * distance costs at most one trained span. Null when every query is before {@code origin}.
     */
    public static QuerySide ahead(long[] times, long origin, double unitMillis, ForecastLimits limits) {
        QuerySide side = of(times, origin, unitMillis, true);
        if (side == null) {
            return null;
        }
        double[] capped = side.relative();
        for (int n = 0; n < capped.length; n++) {
            capped[n] = limits.solveTo(capped[n]);
        }
        return side;
    }

    /** The side of {@code times} after ({@code forward}) or before {@code origin}; null when it has none. */
    public static QuerySide of(long[] times, long origin, double unitMillis, boolean forward) {
        Integer[] order = new Integer[times.length];
        for (int i = 0; i < times.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(times[a], times[b]));
        double[] relative = new double[times.length];
        int[] index = new int[times.length];
        int count = 0;
        for (int n = 0; n < times.length; n++) {
            int i = order[forward ? n : times.length - 1 - n];
            long dt = times[i] - origin;
            if (forward ? dt >= 0 : dt < 0) {
                relative[count] = dt / unitMillis;
                index[count] = i;
                count++;
            }
        }
        return count == 0 ? null : new QuerySide(Arrays.copyOf(relative, count), Arrays.copyOf(index, count));
    }
}
