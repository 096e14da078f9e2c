package io.odestream.latent;

/**
 * What the encoder's GRU is fed for one observation, in the model's normalised units: per channel
 * {@code (x − mean) / std} with mask 1 where it was observed, 0 with mask 0 where it is missing (masked
 * by the caller, or not finite); the RNN encoder takes one more, always observed, input: the gap since
 * the state, in model time units. One place for it, so that every backend that absorbs observations
 * ({@link LatentFilter#update}, ode-djl's batched updater) feeds the GRU the same numbers, and
 * {@link ObservationScore} counts the same channels as observed.
 */
public final class EncoderInput {
    private EncoderInput() {
    }

    /** The GRU's input width: the C channels, plus the gap for the RNN encoder. */
    public static int width(LatentOdeSpec spec) {
        return LatentOdeModel.encoderInputs(spec);
    }

    /** Whether channel {@code j} counts as observed: not masked out ({@code mask} null: all in) and finite. */
    public static boolean observed(double[] values, boolean[] mask, int j) {
        return (mask == null || mask[j]) && Double.isFinite(values[j]);
    }

    /**
     * Writes one observation's GRU input into {@code x} and {@code m} from {@code offset} on
     * ({@link #width} entries each, every one of them written, so buffers can be reused across rows
     * and calls). Shapes are the caller's to check ({@link LatentFilter#checkObservation}).
     *
     * @param gapMillis time since the state's time; read by the RNN encoder only, capped at the model's
     *                  horizon ({@link ForecastLimits#encoderGapUnits})
     * @return how many values were not masked out but not finite either (taken as missing): the
     *         caller's data-quality count
     */
    public static int fill(LatentOdeSpec spec, long gapMillis, double[] values, boolean[] mask, double[] x,
                           double[] m, int offset) {
        int c = spec.channels();
        int nonFinite = 0;
        for (int j = 0; j < c; j++) {
            boolean observed = observed(values, mask, j);
            if (!observed && (mask == null || mask[j])) {
                nonFinite++;
            }
            x[offset + j] = observed ? (values[j] - spec.mean(j)) / spec.std(j) : 0.0;
            m[offset + j] = observed ? 1.0 : 0.0;
        }
        if (!LatentOdeModel.hasEncoderDynamics(spec)) {
            x[offset + c] = ForecastLimits.encoderGapUnits(spec, gapMillis);
            m[offset + c] = 1.0;
        }
        return nonFinite;
    }
}
