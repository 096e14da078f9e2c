package io.odestream.job.forecast;

import io.odestream.flow.ResidualFlowScorer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;

/**
 * Small residual flow scorers for the job's tests, fitted here with a fixed seed (no file to keep in
 * step with the format): residuals skewed to the right, so the flow's score differs from the
 * Gaussian one and a test can tell which scored.
 */
public final class ResidualFlows {
    private ResidualFlows() {
    }

    /** The file bytes of a flow over {@code channels} channels, fitted to skewed residuals. */
    public static byte[] fittedBytes(int channels, long seed) {
        int count = 256;
        SplittableRandom random = new SplittableRandom(seed);
        double[] residuals = new double[count * channels];
        long[] gaps = new long[count];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < channels; j++) {
                // an exponential(1) shifted to mean 0: a long right tail, nothing below -1
                residuals[i * channels + j] = -Math.log(1 - random.nextDouble()) - 1;
            }
            gaps[i] = 500 + random.nextLong(5_000);
        }
        ResidualFlowScorer scorer = ResidualFlowScorer.fit(residuals, gaps, count, channels, 8, 100, seed,
                (step, loss) -> { });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            scorer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static ResidualFlowFile fitted(int channels, long seed) {
        return ResidualFlowFile.of(fittedBytes(channels, seed), "a test flow");
    }
}
