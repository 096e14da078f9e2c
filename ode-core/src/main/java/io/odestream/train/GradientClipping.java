package io.odestream.train;

/** Rescales a gradient whose Euclidean norm exceeds a limit (torch's clip_grad_norm_). */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** The gradient's Euclidean norm. */
    public static double norm(double[] gradient) {
        double sum = 0;
        for (double g : gradient) {
            sum += g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales {@code gradient} in place so its norm is at most {@code maxNorm}; returns the norm
     * before clipping. {@code maxNorm = +∞} disables clipping.
     */
    public static double clipByNorm(double[] gradient, double maxNorm) {
        double norm = norm(gradient);
        if (norm > maxNorm && Double.isFinite(norm)) {
            double scale = maxNorm / norm;
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] *= scale;
            }
        }
        return norm;
    }
}
