package io.odestream.train;

import io.odestream.UserFacingException;

/** Training stopped because the loss or its gradient stopped being a finite number. */
public final class TrainingDivergedException extends UserFacingException {
    private static final long serialVersionUID = 1L;
    private final int iteration;

    public TrainingDivergedException(int iteration, double loss, double gradientNorm) {
        super("training stopped at iteration " + (iteration + 1) + ": loss = " + loss + ", gradient norm = "
                + gradientNorm + ". The parameters keep their last finite values. What to try: a lower learning "
                + "rate, gradient clipping (maxGradientNorm), normalised inputs, or tighter solver tolerances if "
                + "the solve itself produced NaN");
        this.iteration = iteration;
    }

    /** The iteration (from 0) whose loss or gradient was not finite. */
    public int iteration() {
        return iteration;
    }
}
