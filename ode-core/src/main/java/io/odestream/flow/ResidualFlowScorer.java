package io.odestream.flow;

import io.odestream.latent.ResidualScorer;
import io.odestream.ode.control.FixedStep;
import io.odestream.ode.rk.RungeKutta4;
import io.odestream.train.Adam;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * The flow anomaly scorer: a conditional continuous normalizing flow over an observation's
 * standardised residuals (one per channel), conditioned on the log of the gap since the series'
 * state, since the residuals of a long-horizon prediction have another shape than a short one's.
 * Its score is {@code −log p_flow(z | gap)}, in place of the Gaussian predictive density's: it
 * learns what the latent ODE's errors really look like (skewed, heavy-tailed, correlated across
 * channels) from the residuals of a stream, so that only what is rare under that shape scores high.
 *
 * <p>Solves use RK4 with 10 fixed steps and the exact trace, training and scoring alike, so a score
 * is deterministic and costs 40 field evaluations. An observation with a missing channel keeps the
 * Gaussian score (the flow is a joint density over every channel), and so does one from a model
 * with another channel count than the flow was trained for.
 */
public final class ResidualFlowScorer implements ResidualScorer {
    private static final long serialVersionUID = 1L;
    private static final String MAGIC = "odestream-residual-flow";
    private static final int FORMAT = 1;
    private static final double STEP = 0.1;

    private final int channels;
    private final int hidden;
    private final double[] parameters;
    private final double gapMean;
    private final double gapStd;
    private transient ContinuousFlow flow;
    private transient double[] context;
    private transient SplittableRandom unusedNoise;

    private ResidualFlowScorer(int channels, int hidden, double[] parameters, double gapMean, double gapStd) {
        if (channels < 1 || hidden < 1 || parameters.length != CnfField.parameterCount(channels, 1, hidden)
                || !(gapStd > 0) || !Double.isFinite(gapMean)) {
            throw new IllegalArgumentException("invalid residual flow: " + channels + " channels, " + hidden
                    + " hidden units, " + parameters.length + " parameters, gap scale " + gapMean + " ± " + gapStd);
        }
        for (double p : parameters) {
            if (!Double.isFinite(p)) {
                throw new IllegalArgumentException("the residual flow's parameters are not all finite");
            }
        }
        this.channels = channels;
        this.hidden = hidden;
        this.parameters = parameters;
        this.gapMean = gapMean;
        this.gapStd = gapStd;
    }

    /**
     * Fits a scorer to {@code count} residual vectors.
     *
     * @param residuals  {@code count × channels} standardised residuals, row-major, all finite
     * @param gapsMillis per residual the gap it was predicted over
     */
    public static ResidualFlowScorer fit(double[] residuals, long[] gapsMillis, int count, int channels, int hidden,
            int iterations, long seed, FlowTraining.StepListener progress) {
        if (count < 2 || residuals.length < count * channels || gapsMillis.length < count) {
            throw new IllegalArgumentException("a residual flow needs at least 2 residual vectors of " + channels
                    + " channels with their gaps; got " + count);
        }
        for (int i = 0; i < count * channels; i++) {
            if (!Double.isFinite(residuals[i])) {
                throw new IllegalArgumentException("residual " + i / channels + " has a value that is not finite");
            }
        }
        double mean = 0;
        for (int i = 0; i < count; i++) {
            mean += logGap(gapsMillis[i]) / count;
        }
        double variance = 0;
        for (int i = 0; i < count; i++) {
            double d = logGap(gapsMillis[i]) - mean;
            variance += d * d / count;
        }
        double std = Math.max(Math.sqrt(variance), 1e-3);
        ResidualFlowScorer scorer = new ResidualFlowScorer(channels, hidden,
                CnfField.initialParameters(channels, 1, hidden, seed), mean, std);
        double[] contexts = new double[count];
        for (int i = 0; i < count; i++) {
            contexts[i] = scorer.standardisedGap(gapsMillis[i]);
        }
        new FlowTraining(scorer.flow(), Adam.defaults(), 0.01, 10.0)
                .fit(residuals, contexts, count, iterations, Math.min(128, count), seed, progress);
        return scorer;
    }

    public int channels() {
        return channels;
    }

    /** NaN (the Gaussian score stays) for a missing channel or another channel count than the flow's. */
    @Override
    public double negativeLogDensity(double[] zScores, long gapMillis) {
        if (zScores.length != channels) {
            return Double.NaN;
        }
        for (int j = 0; j < channels; j++) {
            if (!Double.isFinite(zScores[j])) {
                return Double.NaN;
            }
        }
        ContinuousFlow f = flow();
        context[0] = standardisedGap(gapMillis);
        return -f.logDensity(zScores, context, 1, unusedNoise)[0];
    }

    /** Writes the scorer: a header, the shape, the gap scaling and the parameters. */
    public void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeUTF(MAGIC);
        data.writeInt(FORMAT);
        data.writeInt(channels);
        data.writeInt(hidden);
        data.writeDouble(gapMean);
        data.writeDouble(gapStd);
        data.writeInt(parameters.length);
        for (double p : parameters) {
            data.writeDouble(p);
        }
        data.flush();
    }

    /** Reads what {@link #write} wrote; anything else is refused with the reason. */
    public static ResidualFlowScorer read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        String magic;
        try {
            magic = data.readUTF();
        } catch (IOException e) {
            throw new IOException("not a residual flow file (no header)", e);
        }
        if (!MAGIC.equals(magic)) {
            throw new IOException("not a residual flow file (header '" + magic + "')");
        }
        int format = data.readInt();
        if (format != FORMAT) {
            throw new IOException("residual flow format " + format + " is not supported (this build reads " + FORMAT
                    + ")");
        }
        int channels = data.readInt();
        int hidden = data.readInt();
        double gapMean = data.readDouble();
        double gapStd = data.readDouble();
        int count = data.readInt();
        if (channels < 1 || hidden < 1 || count != CnfField.parameterCount(channels, 1, hidden)) {
            throw new IOException("residual flow file is inconsistent: " + channels + " channels, " + hidden
                    + " hidden units, " + count + " parameters");
        }
        double[] parameters = new double[count];
        for (int i = 0; i < count; i++) {
            parameters[i] = data.readDouble();
        }
        try {
            return new ResidualFlowScorer(channels, hidden, parameters, gapMean, gapStd);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private ContinuousFlow flow() {
        if (flow == null) {
            flow = new ContinuousFlow(new CnfField(channels, 1, hidden, TraceMode.EXACT, parameters),
                    RungeKutta4.TABLEAU, new FixedStep(STEP));
            context = new double[1];
            unusedNoise = new SplittableRandom(0);
        }
        return flow;
    }

    private double standardisedGap(long gapMillis) {
        return (logGap(gapMillis) - gapMean) / gapStd;
    }

    /** log(1 + gap in seconds): gaps from milliseconds to days on one scale. */
    private static double logGap(long gapMillis) {
        return Math.log1p(Math.max(0, gapMillis) / 1000.0);
    }
}
