package io.odestream.finetune;

import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.Score;
import io.odestream.ode.SolverException;

/**
 * A model judged the way a stream serves it: one filter run over a stretch of consecutive rows,
 * each row scored from the state before it (its negative log predictive density) and then absorbed.
 * The mean score after the first {@code warmUp} rows is what an alert policy calibrated on that
 * model would see; a row the filter cannot score or absorb makes it infinite. Unlike
 * {@link HeldOutLoss}, which encodes short windows from a fresh start, it exposes a model whose
 * state drifts out of range over a long run, or whose scores of ordinary rows explode.
 */
final class PrequentialScore {
    private PrequentialScore() {
    }

    /**
     * @param times    event times of the rows, non-decreasing
     * @param values   row-major values, {@code channels} per row (NaN = missing)
     * @param rows     rows to run over (the first {@code rows} of the arrays)
     */
    static double mean(LatentOdeModel model, long[] times, double[] values, int channels, int rows, int warmUp,
                       int samples, long seed) {
        LatentFilter filter = new LatentFilter(model, "prequential", 1);
        double[] x = new double[channels];
        double sum = 0;
        int scored = 0;
        try {
            var state = filter.start(times[0]);
            for (int k = 0; k < rows; k++) {
                System.arraycopy(values, k * channels, x, 0, channels);
                if (k >= warmUp) {
                    Score s = filter.score(state, times[k], x, null, samples, seed + k);
                    if (!Double.isNaN(s.negativeLogDensity())) {
                        if (!Double.isFinite(s.negativeLogDensity())) {
                            return Double.POSITIVE_INFINITY;
                        }
                        sum += s.negativeLogDensity();
                        scored++;
                    }
                }
                state = filter.update(state, times[k], x, null);
            }
        } catch (SolverException | IllegalArgumentException e) {
            return Double.POSITIVE_INFINITY; // the run left the range the solver can integrate
        }
        return scored == 0 ? Double.NaN : sum / scored;
    }
}
