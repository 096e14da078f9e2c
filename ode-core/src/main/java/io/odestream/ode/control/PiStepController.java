package io.odestream.ode.control;

/**
 * The step-size factor of {@link AdaptiveStep}'s PI controller. Stateless: the controller's
 * memory (the previous accepted error ratio and whether the last step was rejected) is kept by
 * the engine per row, so it can be saved and resumed with the rest of the solver state.
 */
public final class PiStepController {

    /** Initial value of the remembered error ratio, as in DOPRI5 ({@code FACOLD = 1e-4}). */
    public static final double INITIAL_PREVIOUS_RATIO = 1e-4;

    private final double safety;
    private final double minFactor;
    private final double maxFactor;
    private final double alpha;
    private final double beta;
    private final boolean shrinkOnAccept;
    private final boolean holdAfterReject;

    public PiStepController(AdaptiveStep config, int errorOrder) {
        this.safety = config.safety();
        this.minFactor = config.minFactor();
        this.maxFactor = config.maxFactor();
        this.beta = config.beta();
        this.alpha = 1.0 / (errorOrder + 1) - 0.75 * beta;
        this.shrinkOnAccept = config.shrinkOnAccept();
        this.holdAfterReject = config.holdAfterReject();
    }

    /** Step-size factor after an accepted step with error ratio {@code ratio ≤ 1}. */
    public double afterAccept(double ratio, double previousRatio, boolean lastWasRejected) {
        double factor = ratio == 0.0
                ? maxFactor
                : safety * Math.pow(ratio, -alpha) * Math.pow(previousRatio, beta);
        factor = Math.min(maxFactor, Math.max(shrinkOnAccept ? minFactor : 1.0, factor));
        return lastWasRejected && holdAfterReject ? Math.min(1.0, factor) : factor;
    }

    /** Step-size factor after a rejected step ({@code ratio > 1}, or not finite). */
    public double afterReject(double ratio) {
        if (!(ratio < Double.POSITIVE_INFINITY)) {
            return minFactor;
        }
        return Math.max(minFactor, Math.min(1.0, safety * Math.pow(ratio, -alpha)));
    }

    /** The ratio to remember after an accepted step (DOPRI5 keeps it away from zero). */
    public static double remember(double ratio) {
        return Math.max(ratio, INITIAL_PREVIOUS_RATIO);
    }
}
