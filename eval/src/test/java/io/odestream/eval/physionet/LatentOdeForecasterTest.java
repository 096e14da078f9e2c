package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.latent.ObservationSkip;
import io.odestream.latent.Prediction;
import io.odestream.model.ModelArtifacts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The latent-ODE adapter is causal: row k of the one-step-ahead forecasts is exactly the forecast
 * at t_k from the first k observations, and no later observation changes it.
 */
class LatentOdeForecasterTest {
    private static final long HOUR = 3_600_000L;

    private static LatentOdeForecaster forecaster() {
        PhysioNetTable.Settings s = new PhysioNetTable.Settings(List.of(), 1, 1, 3, 4, 5, 3, 1, 4, 1e-6, 1e-8, 0.01,
                1.0, 1, 5L);
        LatentOdeModel model = LatentOdeModel.create(PhysioNetTable.latentSpec(s, 2, false), 5L);
        return new LatentOdeForecaster(new LatentFilter(model, "test", 1), 4, 11L);
    }

    @Test
    void rowKIsTheForecastFromTheFirstKObservations() {
        LatentOdeForecaster f = forecaster();
        long[] t = {HOUR, 2 * HOUR, 5 * HOUR, 6 * HOUR};
        double[][] x = {{0.1, Double.NaN}, {0.4, 0.2}, {Double.NaN, 0.9}, {0.3, 0.3}};

        double[][] oneStep = f.oneStepAhead(t, x);

        for (int k = 1; k < t.length; k++) {
            double[][] fromPrefix = f.predict(Arrays.copyOf(t, k), Arrays.copyOf(x, k), new long[] {t[k]});
            assertArrayEquals(fromPrefix[0], oneStep[k], 0.0, "row " + k);
        }
        // a different later observation leaves the earlier rows alone and changes the later ones
        double[][] changed = x.clone();
        changed[2] = new double[] {5.0, -3.0};
        double[][] again = f.oneStepAhead(t, changed);
        assertArrayEquals(oneStep[2], again[2], 0.0);
        assertNotEquals(oneStep[3][0], again[3][0]);
        assertEquals(t.length, oneStep.length);
    }

    @Test
    void reconstructionRowKReadsTheStateRightAfterObservationK() {
        LatentOdeForecaster f = forecaster();
        long[] t = {HOUR, 2 * HOUR, 5 * HOUR};
        double[][] x = {{0.1, Double.NaN}, {0.4, 0.2}, {Double.NaN, 0.9}};

        double[][] read = f.reconstruct(t, x);

        for (int k = 0; k < t.length; k++) {
            double[][] upToK = f.predict(Arrays.copyOf(t, k + 1), Arrays.copyOf(x, k + 1), new long[] {t[k]});
            assertArrayEquals(upToK[0], read[k], 0.0, "row " + k);
        }
    }

    @Test
    void zScoresAreTheObservedValuesDistanceFromTheOneStepForecastInItsSpread() {
        LatentOdeForecaster f = forecaster();
        long[] t = {HOUR, 2 * HOUR, 5 * HOUR};
        double[][] x = {{0.1, Double.NaN}, {0.4, 0.2}, {Double.NaN, 0.9}};

        double[][] z = f.oneStepAheadZ(t, x);
        double[][] mean = f.oneStepAhead(t, x);

        for (int k = 0; k < t.length; k++) {
            for (int j = 0; j < 2; j++) {
                if (Double.isNaN(x[k][j])) {
                    assertEquals(Double.NaN, z[k][j], "a missing value has no z-score");
                } else {
                    // same side of the forecast as the value, and a finite spread
                    assertEquals(Math.signum(x[k][j] - mean[k][j]), Math.signum(z[k][j]), "row " + k);
                }
            }
        }
    }

    /**
     * The skip row of the table is what the job serves: the skip fitted, put into the model's spec,
     * written as an artifact and loaded as the job loads it, then {@code LatentFilter.predict} as the
     * job calls it (quantiles included) gives bit for bit the eval's one-step forecasts, which are the
     * skip's formula over the model's own forecasts.
     */
    @Test
    void withASkipTheEvalsForecastIsTheForecastTheJobServesFromTheArtifact(@TempDir Path dir) throws Exception {
        LatentOdeForecaster plain = forecaster();
        List<Series> train = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 12; i++) {
            long[] t = new long[8];
            double[][] x = new double[8][2];
            for (int k = 0; k < t.length; k++) {
                t[k] = (k + 1) * HOUR + random.nextInt(1_800_000);
                x[k][0] = random.nextDouble();
                x[k][1] = k % 3 == 0 ? Double.NaN : random.nextDouble();
            }
            train.add(new Series(t, x));
        }
        ObservationSkip skip = SkippedForecaster.fit(plain, train, 2, ForecastMse.EXTRAPOLATION_CUTOFF_MILLIS);
        LatentOdeForecaster eval = plain.withSkip(skip);
        Path file = dir.resolve("skip.avro");
        ModelArtifacts.write(eval.filter().model().toArtifact("physionet", 1, null, Map.of(), Map.of()), file);
        LatentFilter job = LatentFilter.init(ModelArtifacts.read(file));
        long[] t = {HOUR, 2 * HOUR, 5 * HOUR, 30 * HOUR};
        double[][] x = {{0.1, Double.NaN}, {0.4, 0.2}, {Double.NaN, 0.9}, {0.3, 0.3}};

        double[][] scored = eval.oneStepAhead(t, x);

        FilterState state = job.start(t[0]);
        for (int k = 0; k < t.length; k++) {
            Prediction served = job.predict(state, new long[] {t[k]}, 4, 11L + k);
            assertArrayEquals(served.mean()[0], scored[k], 0.0, "row " + k);
            state = job.update(state, t[k], x[k], null);
        }
        double[][] formula = new SkippedForecaster(plain, skip).oneStepAhead(t, x);
        for (int k = 0; k < t.length; k++) {
            assertArrayEquals(formula[k], scored[k], 1e-12, "row " + k);
        }
        assertNull(eval.reconstruct(t, x), "with a skip there is no bottleneck to reconstruct through");
    }
}
