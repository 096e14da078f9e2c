package io.odestream.ode.control;

/**
 * Combines scaled local errors {@code e_j / (atol_j + rtol·max(|y0_j|, |y1_j|))} into one number;
 * a step is accepted when the result is at most 1. Applied to one row (per-row step control) or
 * to all rows of the batch at once (shared step control).
 */
@FunctionalInterface
public interface ErrorNorm {

    /**
     * @param scaled scaled errors, row-major
     * @param offset index of the first entry of the first row
     * @param rows   number of consecutive rows to combine
     * @param d      entries per row
     */
    double of(double[] scaled, int offset, int rows, int d);

    /** Root mean square over all entries: torchdiffeq's and Hairer's default. */
    static ErrorNorm rms() {
        return RmsNorm.INSTANCE;
    }

    /** Largest absolute entry. */
    static ErrorNorm max() {
        return (scaled, offset, rows, d) -> {
            double m = 0.0;
            for (int i = offset, end = offset + rows * d; i < end; i++) {
                double v = Math.abs(scaled[i]);
                if (!(v <= m)) { // also propagates NaN
                    m = v;
                }
            }
            return m;
        };
    }

    /**
     * RMS over the first {@code included} components of each row only: a seminorm. The adjoint
     * uses it to leave the parameter-gradient part of its augmented state out of step control
     * (Kidger, Chen &amp; Lyons 2021, "Hey, that's not an ODE").
     */
    static ErrorNorm rmsOverLeading(int included) {
        return new Seminorm(included);
    }
}
