package io.odestream.ode.control;

/** RMS over the leading {@code included} components of every row; the rest are ignored. */
final class Seminorm implements ErrorNorm {
    private final int included;

    Seminorm(int included) {
        if (included < 1) {
            throw new IllegalArgumentException("a seminorm must include at least one component, got " + included);
        }
        this.included = included;
    }

    @Override
    public double of(double[] scaled, int offset, int rows, int d) {
        if (included > d) {
            throw new IllegalArgumentException("seminorm over " + included + " components of rows with only " + d);
        }
        double sum = 0.0;
        for (int r = 0; r < rows; r++) {
            int base = offset + r * d;
            for (int j = 0; j < included; j++) {
                sum += scaled[base + j] * scaled[base + j];
            }
        }
        return Math.sqrt(sum / ((double) rows * included));
    }
}
