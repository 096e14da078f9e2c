package io.odestream.eval.mortality;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.ode.SolverException;

/**
 * The per-series latent state the forecasting job keeps — the filter's hidden state h — read where
 * a streaming risk score would read it: after every observation up to a cutoff (24 h, 48 h after
 * admission). A stay with nothing before the cutoff has the start state (h = 0).
 */
public final class FilterStateFeatures {
    private FilterStateFeatures() {
    }

    /**
     * @param cutoffsMillis ascending times since admission
     * @param failures      failures[0] counts updates whose solve failed (the state is kept, as in the job)
     * @return per cutoff, the stays' hidden states (stays × H, row-major)
     */
    public static double[][] at(LatentFilter filter, java.util.List<Series> stays, long[] cutoffsMillis,
                                long[] failures) {
        int h = filter.model().spec().hidden();
        double[][] out = new double[cutoffsMillis.length][stays.size() * h];
        for (int s = 0; s < stays.size(); s++) {
            Series stay = stays.get(s);
            long[] times = stay.timesMillis();
            FilterState state = filter.start(times.length == 0 ? 0L : times[0]);
            int k = 0;
            for (int c = 0; c < cutoffsMillis.length; c++) {
                while (k < times.length && times[k] <= cutoffsMillis[c]) {
                    try {
                        state = filter.update(state, times[k], stay.values()[k], null);
                    } catch (SolverException e) {
                        // As the job does: the series keeps its last good state.
                        failures[0]++;
                    }
                    k++;
                }
                System.arraycopy(state.hidden(), 0, out[c], s * h, h);
            }
        }
        return out;
    }
}
