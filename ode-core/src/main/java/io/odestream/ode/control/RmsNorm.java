package io.odestream.ode.control;

/** sqrt(mean of squares). NaN in, NaN out, so a non-finite state is never accepted. */
final class RmsNorm implements ErrorNorm {
    static final RmsNorm INSTANCE = new RmsNorm();

    private RmsNorm() {
    }

    @Override
    public double of(double[] scaled, int offset, int rows, int d) {
        double sum = 0.0;
        int n = rows * d;
        for (int i = offset, end = offset + n; i < end; i++) {
            sum += scaled[i] * scaled[i];
        }
        return Math.sqrt(sum / n);
    }
}
