package io.odestream.latent;

/**
 * {@link ScoreMode#MEAN_PATH}'s decoded points: the posterior's {@link SigmaPoints} carried to the
 * observation's time along the mean's path. Only the mean is solved; every other point keeps the
 * offset from the mean that its readout has at the state's time, i.e. the decoder's flow is taken
 * to translate the posterior rigidly over the gap. Exact over no time; what it leaves out is how the
 * flow stretches or shrinks the posterior between events, which matters as much as the posterior's
 * share of the predictive variance does (on the demo model a few per cent: bench/README.md).
 */
final class MeanPathPoints {
    private MeanPathPoints() {
    }

    /**
     * Writes {@code points} decoded rows into {@code out} ([k·C + j], normalised units): row k is the
     * readout of {@code startPoints} row k at the state's time, shifted by how far the mean's readout
     * moved, {@code decodedMean} (the readout of row 0 solved to the observation's time) minus row 0's
     * readout at the start. Row 0 is {@code decodedMean} itself.
     */
    static void carry(LatentOdeModel model, double[] startPoints, int points, double[] decodedMean, double[] out) {
        int c = model.spec().channels();
        model.readout().forward(startPoints, out, points);
        for (int j = 0; j < c; j++) {
            double shift = decodedMean[j] - out[j];
            out[j] = decodedMean[j];
            for (int k = 1; k < points; k++) {
                out[k * c + j] += shift;
            }
        }
    }
}
