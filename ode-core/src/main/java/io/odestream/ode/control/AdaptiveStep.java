package io.odestream.ode.control;

/**
 * Adaptive step-size control from an embedded error estimate, with a PI controller
 * (Hairer, Nørsett &amp; Wanner I, II.4; Gustafsson 1991; the DOPRI5 code's constants):
 * <pre>
 *   accept when  r = norm(err / (atol + rtol·max(|y0|, |y1|))) ≤ 1
 *   factor = safety · r^(−α) · r_prev^β,   α = 1/(q+1) − 0.75·β,  q = min(p, p̂)
 * </pre>
 * clamped to [minFactor, maxFactor]. {@code β = 0} is the plain integral controller that torchdiffeq
 * and diffrax use by default.
 *
 * @param tolerances        rtol and atol
 * @param safety            safety factor (0, 1]
 * @param minFactor         smallest step-size ratio (0, 1]
 * @param maxFactor         largest step-size ratio ≥ 1
 * @param beta              PI memory exponent β ≥ 0 (0 = integral controller, the default as in
 *                          torchdiffeq and diffrax; DOPRI5 uses 0.04 for smoother step sequences)
 * @param shrinkOnAccept    whether an accepted step may be followed by a smaller one (Hairer: yes;
 *                          torchdiffeq: no)
 * @param holdAfterReject   whether the step after a rejected one may not grow (Hairer: yes;
 *                          torchdiffeq: no)
 * @param firstStep         initial step size, or NaN for Hairer's initial-step heuristic
 * @param minStep           smallest allowed |h| (0 = only the floating-point limit)
 * @param maxSteps          most steps (accepted + rejected) per row before giving up
 * @param norm              how scaled errors are combined
 */
public record AdaptiveStep(Tolerances tolerances, double safety, double minFactor, double maxFactor, double beta,
                           boolean shrinkOnAccept, boolean holdAfterReject, double firstStep, double minStep, int maxSteps, ErrorNorm norm)
        implements StepControl {

    public AdaptiveStep {
        if (tolerances == null || norm == null) {
            throw new IllegalArgumentException("tolerances and norm are required");
        }
        check(safety > 0 && safety <= 1, "safety must be in (0, 1], got " + safety);
        check(minFactor > 0 && minFactor <= 1, "minFactor must be in (0, 1], got " + minFactor);
        check(maxFactor >= 1 && Double.isFinite(maxFactor), "maxFactor must be finite and >= 1, got " + maxFactor);
        check(beta >= 0 && beta < 0.2, "beta must be in [0, 0.2), got " + beta);
        check(Double.isNaN(firstStep) || (firstStep > 0 && Double.isFinite(firstStep)),
                "firstStep must be > 0 (or NaN for the automatic choice), got " + firstStep);
        check(minStep >= 0 && Double.isFinite(minStep), "minStep must be >= 0, got " + minStep);
        check(maxSteps >= 1, "maxSteps must be >= 1, got " + maxSteps);
    }

    public static Builder builder(Tolerances tolerances) {
        return new Builder(tolerances);
    }

    /**
     * torchdiffeq's dopri5 conventions: integral controller (β = 0), safety 0.9, factor in
     * [0.2, 10], no shrinking after an accepted step, growth allowed right after a rejection,
     * Hairer's initial step, RMS norm. Reproduces torchdiffeq's step sequence.
     */
    public static AdaptiveStep torchdiffeqCompatible(double rtol, double atol) {
        return builder(Tolerances.of(rtol, atol)).beta(0.0).shrinkOnAccept(false).holdAfterReject(false).build();
    }

    public boolean hasFirstStep() {
        return !Double.isNaN(firstStep);
    }

    public Builder toBuilder() {
        return new Builder(tolerances).safety(safety).minFactor(minFactor).maxFactor(maxFactor).beta(beta)
                .shrinkOnAccept(shrinkOnAccept).holdAfterReject(holdAfterReject).firstStep(firstStep).minStep(minStep).maxSteps(maxSteps).norm(norm);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Defaults: safety 0.9, factors [0.2, 10], integral control (β = 0) with DOPRI5's shrink-on-accept
     * and hold-after-reject rules, Hairer's initial step, RMS norm, 10 000 steps. On the shared
     * torchdiffeq case these need no more evaluations than torchdiffeq at any tested tolerance.
     */
    public static final class Builder {
        private Tolerances tolerances;
        private double safety = 0.9;
        private double minFactor = 0.2;
        private double maxFactor = 10.0;
        private double beta = 0.0;
        private boolean shrinkOnAccept = true;
        private boolean holdAfterReject = true;
        private double firstStep = Double.NaN;
        private double minStep = 0.0;
        private int maxSteps = 10_000;
        private ErrorNorm norm = ErrorNorm.rms();

        private Builder(Tolerances tolerances) {
            this.tolerances = tolerances;
        }

        public Builder tolerances(Tolerances value) {
            this.tolerances = value;
            return this;
        }

        public Builder safety(double value) {
            this.safety = value;
            return this;
        }

        public Builder minFactor(double value) {
            this.minFactor = value;
            return this;
        }

        public Builder maxFactor(double value) {
            this.maxFactor = value;
            return this;
        }

        public Builder beta(double value) {
            this.beta = value;
            return this;
        }

        public Builder shrinkOnAccept(boolean value) {
            this.shrinkOnAccept = value;
            return this;
        }

        public Builder holdAfterReject(boolean value) {
            this.holdAfterReject = value;
            return this;
        }

        public Builder firstStep(double value) {
            this.firstStep = value;
            return this;
        }

        public Builder minStep(double value) {
            this.minStep = value;
            return this;
        }

        public Builder maxSteps(int value) {
            this.maxSteps = value;
            return this;
        }

        public Builder norm(ErrorNorm value) {
            this.norm = value;
            return this;
        }

        public AdaptiveStep build() {
            return new AdaptiveStep(tolerances, safety, minFactor, maxFactor, beta, shrinkOnAccept, holdAfterReject,
                    firstStep, minStep,
                    maxSteps, norm);
        }
    }
}
