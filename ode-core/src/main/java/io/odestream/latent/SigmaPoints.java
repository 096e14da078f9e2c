package io.odestream.latent;

import io.odestream.ode.SolverException;

/**
 * The unscented transform's sigma points of a diagonal Gaussian posterior N(μ, diag(σ²)) of L latent
 * dimensions: μ, then μ ± √(L + κ)·σ_i·e_i for each dimension i, 2L + 1 points in all. With κ = ½
 * every point has the same weight 1 / (2L + 1) (the centre's weight κ / (L + κ) equals the others'
 * 1 / (2(L + κ))), so the weighted mean and covariance of the points are their plain average and
 * population covariance — exactly μ and diag(σ²) — and a linear map of them has exactly the mapped
 * mean and covariance. Equal positive weights also keep the decoded points' covariance positive
 * semi-definite, which Julier's κ = 3 − L (negative for L > 3) does not.
 */
public final class SigmaPoints {
    /** The unscented transform's κ that gives every point the same weight. */
    static final double KAPPA = 0.5;

    private SigmaPoints() {
    }

    /** 2L + 1: how many rows {@link #fill} writes. */
    public static int count(int latent) {
        return 2 * latent + 1;
    }

    /**
     * Fills {@code z0} ({@link #count}(L) × L, row-major) from the posterior head's output
     * {@code moments} = [μ, log σ]: row 0 the mean, rows 1 + 2i and 2 + 2i the mean plus and minus
     * √(L + κ)·σ_i along dimension i.
     *
     * @throws SolverException when a point is not finite, as {@link PosteriorDraws#draw} does: the
     *                         model's failure at this state, reported like any solver failure
     */
    public static void fill(double[] moments, int latent, double[] z0, FilterState state) {
        double spread = Math.sqrt(latent + KAPPA);
        int rows = count(latent);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(moments, 0, z0, r * latent, latent);
        }
        for (int i = 0; i < latent; i++) {
            double offset = spread * Math.exp(moments[latent + i]);
            z0[(1 + 2 * i) * latent + i] += offset;
            z0[(2 + 2 * i) * latent + i] -= offset;
            if (!Double.isFinite(offset) || !Double.isFinite(moments[i])) {
                throw new SolverException(SolverException.Reason.NON_FINITE_STATE, "latent filter", 0.0, Double.NaN,
                        1 + 2 * i, "sigma point along " + i + " is not finite (mean " + moments[i] + ", log sigma "
                                + moments[latent + i] + ") at the state of " + state);
            }
        }
    }
}
