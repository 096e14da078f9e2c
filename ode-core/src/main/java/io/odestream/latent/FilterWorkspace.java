package io.odestream.latent;

/**
 * The per-call buffers of a {@link LatentFilter}'s score and update, kept from event to event: the
 * posterior's moments and latent points, their readout, the encoder's inputs and hidden states,
 * and the one-value spans of the per-event solves. One per filter, which is one per thread (not
 * per series), so that a score and an update allocate only what they return.
 */
final class FilterWorkspace {
    private final int latent;
    private final int channels;
    final double[] moments;
    final double[] inputs;
    final double[] inputMask;
    final double[] evolved;
    final double[] next;
    /** A solve's start (0: the state's time, in model units), its end and its first step, one group. */
    final double[] start = new double[1];
    final double[] end = new double[1];
    final double[] firstStep = new double[1];
    private double[] points = new double[0];
    private double[] decoded = new double[0];
    private double[] carried = new double[0];

    FilterWorkspace(LatentOdeSpec spec, int encoderInputs) {
        this.latent = spec.latent();
        this.channels = spec.channels();
        this.moments = new double[2 * latent];
        this.inputs = new double[encoderInputs];
        this.inputMask = new double[encoderInputs];
        this.evolved = new double[spec.hidden()];
        this.next = new double[spec.hidden()];
    }

    /** Room for {@code rows} latent points ([k·L + i]); longer than asked once a larger call grew it. */
    double[] points(int rows) {
        if (points.length < rows * latent) {
            points = new double[rows * latent];
        }
        return points;
    }

    /** Room for {@code rows} points carried along the mean's path ([k·C + j]; {@link MeanPathPoints}). */
    double[] carried(int rows) {
        if (carried.length < rows * channels) {
            carried = new double[rows * channels];
        }
        return carried;
    }

    /** Room for the readout of {@code rows} points ([k·C + j]). */
    double[] decoded(int rows) {
        if (decoded.length < rows * channels) {
            decoded = new double[rows * channels];
        }
        return decoded;
    }
}
