package io.odestream.ode.control;

/**
 * A fixed step size: the grid {@code t0 + k·h}, with the last point moved to the end of the span
 * (torchdiffeq's convention), so the span is covered in {@code ceil(|t1 − t0| / h)} steps.
 */
public record FixedStep(double stepSize) implements StepControl {
    public FixedStep {
        if (!(stepSize > 0) || !Double.isFinite(stepSize)) {
            throw new IllegalArgumentException("fixed step size must be a finite number > 0, got " + stepSize);
        }
    }
}
