package io.odestream.ode.control;

import java.util.Arrays;

/**
 * Relative and absolute error tolerances; the absolute tolerance is a scalar or one value per
 * state component (components of very different scale need their own).
 */
public final class Tolerances {
    private final double rtol;
    private final double[] atol; // length 1 (scalar) or D

    private Tolerances(double rtol, double[] atol) {
        if (!(rtol > 0) || !Double.isFinite(rtol)) {
            throw new IllegalArgumentException("rtol must be a finite number > 0, got " + rtol);
        }
        for (int i = 0; i < atol.length; i++) {
            if (!(atol[i] >= 0) || !Double.isFinite(atol[i])) {
                throw new IllegalArgumentException("atol[" + i + "] must be a finite number >= 0, got " + atol[i]);
            }
        }
        this.rtol = rtol;
        this.atol = atol;
    }

    public static Tolerances of(double rtol, double atol) {
        return new Tolerances(rtol, new double[] {atol});
    }

    /** One absolute tolerance per state component. */
    public static Tolerances perComponent(double rtol, double[] atol) {
        if (atol.length == 0) {
            throw new IllegalArgumentException("per-component atol must not be empty");
        }
        return new Tolerances(rtol, atol.clone());
    }

    public double rtol() {
        return rtol;
    }

    /** Absolute tolerance of component {@code j}. */
    public double atol(int j) {
        return atol.length == 1 ? atol[0] : atol[j];
    }

    public boolean isPerComponent() {
        return atol.length > 1;
    }

    /** Checks per-component tolerances against the state dimension. */
    public void checkDimension(int d) {
        if (atol.length > 1 && atol.length != d) {
            throw new IllegalArgumentException("atol has " + atol.length + " components but the state has D = " + d);
        }
    }

    @Override
    public String toString() {
        return "rtol=" + rtol + ", atol=" + (atol.length == 1 ? String.valueOf(atol[0]) : Arrays.toString(atol));
    }
}
