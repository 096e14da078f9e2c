package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Trained on a simple known process — sine waves of one period and random phase, sampled at
 * irregular times with Gaussian noise σ = 0.1 — the filter's 5–95 % predictive interval must cover
 * about 90 % of held-out future observations (six steps past ten observed ones, 40 new series).
 * Measured: 93.75 % coverage, MAE 0.112, learned σ 0.14, 300 iterations in ~10 s.
 */
class LatentOdeCalibrationTest {
    static final double PERIOD_MS = 4000;
    static final double NOISE = 0.1;

    @Test
    void thePredictiveIntervalCoversAboutNinetyPercentOfHeldOutObservations() {
        Random random = new Random(1);
        List<LatentOdeTraining.Series> train = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            train.add(sineSeries(random, 120));
        }
        LatentOdeSpec spec = LatentOdeTraining.normalisedFor(
                LatentOdeSpec.of(1, 4, 16, new int[] {32}, new int[] {32}, 1000.0), train);
        LatentOdeModel model = LatentOdeModel.create(spec, 5);
        Trainer.Result result = LatentOdeTraining.train(model, train,
                new LatentOdeTraining.Config(16, 10, 16, 300, 0.01, 1.0, 9), Trainer.ProgressListener.silent());
        assertTrue(result.finalLoss() < result.losses()[0] / 100, "training must have learned something");

        LatentFilter filter = new LatentFilter(model, "sines", 1);
        int covered = 0;
        int total = 0;
        double absError = 0;
        for (int i = 0; i < 40; i++) {
            LatentOdeTraining.Series s = sineSeries(random, 16);
            FilterState state = filter.start(s.timesMillis()[0]);
            for (int k = 0; k < 10; k++) {
                state = filter.update(state, s.timesMillis()[k], s.values()[k], null);
            }
            long[] future = java.util.Arrays.copyOfRange(s.timesMillis(), 10, 16);
            Prediction p = filter.predict(state, future, 200, i);
            for (int q = 0; q < future.length; q++) {
                double v = s.values()[10 + q][0];
                covered += (v >= p.q05()[q][0] && v <= p.q95()[q][0]) ? 1 : 0;
                absError += Math.abs(v - p.mean()[q][0]);
                total++;
            }
        }
        double coverage = (double) covered / total;
        String report = "coverage " + coverage + " of " + total + ", MAE " + absError / total + ", learned noise σ "
                + model.noiseSigma(0) * spec.std(0) + " (true " + NOISE + ")";
        // 240 held-out points: the binomial sd of a 90 % coverage is 1.9 %. The band allows ±3 sd
        // plus a few points for a model that is fitted, not exact (its learned σ absorbs the misfit).
        assertTrue(coverage > 0.8 && coverage < 0.97, report);
        // The mean forecast must be near the noise floor, E|N(0, 0.1)| = 0.08, not merely "wide".
        assertTrue(absError / total < 0.2, report);
    }

    static LatentOdeTraining.Series sineSeries(Random random, int n) {
        double phase = 2 * Math.PI * random.nextDouble();
        long[] t = new long[n];
        double[][] v = new double[n][1];
        long now = 1_700_000_000_000L + random.nextInt(1_000_000);
        for (int k = 0; k < n; k++) {
            now += 50 + (long) (-Math.log(1 - random.nextDouble()) * 250);
            t[k] = now;
            v[k][0] = Math.sin(2 * Math.PI * now / PERIOD_MS + phase) + NOISE * random.nextGaussian();
        }
        return new LatentOdeTraining.Series(t, v);
    }
}
