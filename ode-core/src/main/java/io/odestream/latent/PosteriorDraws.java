package io.odestream.latent;

import io.odestream.ode.SolverException;
import java.util.SplittableRandom;

/**
 * The reparameterised posterior samples a forecast decodes: {@code z_k = μ + exp(log σ) ⊙ ε_k}, ε
 * drawn sample-major from {@code new SplittableRandom(seed)}. Shared by every backend so that the
 * same seed gives the same draws ({@link LatentFilter}, ode-djl's batched predictor).
 */
public final class PosteriorDraws {
    private PosteriorDraws() {
    }

    /**
     * Fills {@code z0} (samples × L) from the posterior head's output {@code moments} = [μ, log σ].
     *
     * @throws SolverException when a sample is not finite: a hidden state driven to extremes (e.g. by a
     *                         very long gap) gives a posterior that overflows, a failure of the model at
     *                         this state, reported like any solver failure
     */
    public static void draw(double[] moments, int latent, int samples, long seed, double[] z0, FilterState state) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int k = 0; k < samples; k++) {
            for (int i = 0; i < latent; i++) {
                z0[k * latent + i] = moments[i] + Math.exp(moments[latent + i]) * random.nextGaussian();
                if (!Double.isFinite(z0[k * latent + i])) {
                    throw new SolverException(SolverException.Reason.NON_FINITE_STATE, "latent filter",
                            0.0, Double.NaN, k, "posterior sample " + i + " is " + z0[k * latent + i] + " (mean "
                                    + moments[i] + ", log sigma " + moments[latent + i] + ") at the state of " + state);
                }
            }
        }
    }
}
