package io.odestream.ode.control;

/** How step sizes are chosen: a fixed grid, or adaptively from an embedded error estimate. */
public sealed interface StepControl permits FixedStep, AdaptiveStep {

    static FixedStep fixed(double stepSize) {
        return new FixedStep(stepSize);
    }

    static AdaptiveStep.Builder adaptive(double rtol, double atol) {
        return AdaptiveStep.builder(Tolerances.of(rtol, atol));
    }
}
