package io.odestream.latent;

/**
 * How {@link LatentFilter#score} integrates the posterior q(z | x≤t) into the predictive density of an
 * observation: which latent points it decodes at the observation's time, and what it makes of them.
 */
public enum ScoreMode {
    /**
     * K random posterior samples (seeded), scored as the mixture {@code (1/K) Σ_k N(x; readout(z_k), σ²)}:
     * any predictive shape, at a Monte-Carlo error that shrinks like 1/√K. The option
     * ({@code --score-mode monte-carlo}) for a predictive far from Gaussian.
     */
    MONTE_CARLO,
    /**
     * The 2L + 1 sigma points of the posterior ({@link SigmaPoints}), scored as the Gaussian with the
     * decoded points' mean and covariance plus the observation noise: deterministic (no seed, no
     * Monte-Carlo error), exact in mean and covariance for a linear decoder, and cheaper than K = 16
     * samples for a latent of L ≤ 7 (the demo model's L = 6: 13 rows). Blind to a predictive that is
     * far from Gaussian (multi-modal), which the Monte-Carlo mixture can show. The default of the job,
     * {@code eval nab} and the NAB detector: on NAB it scored higher than K = 16 samples, the demo's
     * figures unchanged (docs/RESULTS.md).
     */
    SIGMA_POINTS,
    /**
     * The sigma points carried along the mean's path ({@link MeanPathPoints}): only the posterior's
     * mean is solved to the observation's time, one decoder row instead of 2L + 1; the other points
     * keep their offsets from it as read out at the state's time; then scored as
     * {@link #SIGMA_POINTS}. Exact over no time and for a flow that translates the posterior; blind to
     * how the flow stretches it over a gap, which matters in proportion to the posterior's share of
     * the predictive variance (small where the observation noise dominates, as in the demo model). The
     * option ({@code --score-mode mean-path}) for throughput: bench/README.md has its cost and alert
     * quality beside the sigma points'.
     */
    MEAN_PATH;

    /** Its name on a command line ("monte-carlo", "sigma-points", "mean-path"). */
    public String optionName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The mode a command line names (see {@link #optionName}); anything else is refused with the choices. */
    public static ScoreMode fromOptionName(String name) {
        for (ScoreMode mode : values()) {
            if (mode.optionName().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("score mode must be monte-carlo, sigma-points or mean-path, got '" + name
                + "'");
    }
}
