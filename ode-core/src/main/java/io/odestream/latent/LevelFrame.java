package io.odestream.latent;

import java.util.Arrays;

/**
 * One series' frame under {@link LevelShift}: per channel the shift subtracted from its values
 * before the model sees them (data units, 0 = none), and the run of consecutive observations beyond
 * the bound that may move it. Forecasts and expected values computed in the frame get the shift
 * added back ({@link #unshifted(Prediction)}).
 *
 * <p>A Flink POJO (public fields, a no-argument constructor) so that the stream job keeps it in its
 * keyed state as it is.
 */
public final class LevelFrame {
    /** Per channel, what is subtracted from the data before the model sees it (data units). */
    public double[] shift;
    /** Per channel, the consecutive observations beyond the bound: &gt; 0 above it, &lt; 0 below. */
    public int[] run;
    /** Per channel, the sum of the run's values in the current frame. */
    public double[] runSum;
    /**
     * Event time of the observation that last moved the frame ({@link Long#MIN_VALUE}: never): a
     * re-encoding starts there, as the filter did, because earlier observations lie at another level.
     */
    public long movedAtMillis = Long.MIN_VALUE;

    /** For Flink's POJO serializer; use {@link #of}. */
    public LevelFrame() {
    }

    /** A frame that shifts nothing yet. */
    public static LevelFrame of(int channels) {
        LevelFrame f = new LevelFrame();
        f.shift = new double[channels];
        f.run = new int[channels];
        f.runSum = new double[channels];
        return f;
    }

    /** Whether any channel is shifted. */
    public boolean shifted() {
        return anyNonZero(shift);
    }

    /** {@code values} as the model sees them, into {@code out}: each channel minus its shift. */
    public void toFrame(double[] values, double[] out) {
        for (int j = 0; j < out.length; j++) {
            out[j] = values[j] - shift[j];
        }
    }

    /** The data's values of {@code seen}, values in this frame, into {@code out}. */
    public void fromFrame(double[] seen, double[] out) {
        for (int j = 0; j < out.length; j++) {
            out[j] = seen[j] + shift[j];
        }
    }

    /**
     * Counts one observation, in this frame, into each observed channel's run, and moves the frame of
     * a channel whose run has reached the rule's rows: its shift grows by the run's mean minus the
     * training mean, its run starts again.
     *
     * @param seen the observation as the model saw it (this frame)
     * @param mask which channels were observed (null: all); non-finite values count as missing
     * @return whether a channel's frame moved
     */
    public boolean observe(double[] seen, boolean[] mask, LatentOdeSpec spec, LevelShift rule) {
        boolean moved = false;
        for (int j = 0; j < seen.length; j++) {
            double y = seen[j];
            if ((mask != null && !mask[j]) || !Double.isFinite(y)) {
                continue;
            }
            double mean = spec.mean(j);
            double bound = rule.stds() * spec.std(j);
            int side = y > mean + bound ? 1 : y < mean - bound ? -1 : 0;
            if (side == 0 || Integer.signum(run[j]) != side) {
                run[j] = side;
                runSum[j] = side == 0 ? 0 : y;
            } else {
                run[j] += side;
                runSum[j] += y;
            }
            if (Math.abs(run[j]) >= rule.rows()) {
                shift[j] += runSum[j] / Math.abs(run[j]) - mean;
                run[j] = 0;
                runSum[j] = 0;
                moved = true;
            }
        }
        return moved;
    }

    /** {@code p}, computed in this frame, in the data's units: each channel's location plus its shift. */
    public Prediction unshifted(Prediction p) {
        return unshifted(p, shift);
    }

    /** A copy of the shifts when any channel is shifted, else null: the frame as it is now, for later. */
    public double[] shiftOrNull() {
        return shifted() ? shift.clone() : null;
    }

    /**
     * {@code p}, computed in a frame whose shifts were {@code shift} (null: none), in the data's units:
     * each channel's location plus its shift.
     */
    public static Prediction unshifted(Prediction p, double[] shift) {
        if (shift == null || !anyNonZero(shift)) {
            return p;
        }
        return new Prediction(p.times(), plus(p.mean(), shift), p.std(), plus(p.q05(), shift), plus(p.q50(), shift),
                plus(p.q95(), shift), p.samples(), p.refused());
    }

    private static boolean anyNonZero(double[] shift) {
        for (double s : shift) {
            if (s != 0) {
                return true;
            }
        }
        return false;
    }

    private static double[][] plus(double[][] perQuery, double[] shift) {
        double[][] out = new double[perQuery.length][];
        for (int i = 0; i < perQuery.length; i++) {
            out[i] = perQuery[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] += shift[j];
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "LevelFrame[shift=" + Arrays.toString(shift) + ", run=" + Arrays.toString(run) + "]";
    }
}
