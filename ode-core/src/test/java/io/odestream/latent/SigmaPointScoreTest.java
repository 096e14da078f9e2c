package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The deterministic score ({@link ScoreMode#SIGMA_POINTS}): its points carry the posterior's moments
 * exactly, it is the exact Gaussian predictive where the decoder is linear, it agrees with the
 * Monte-Carlo score as the samples grow, and choosing it changes nothing for settings that do not.
 */
class SigmaPointScoreTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(3, 4, 8, new int[] {16}, new int[] {16}, 1000.0)
            .withNormalisation(new double[] {10, -2, 0.5}, new double[] {3, 0.5, 2});
    private static final LatentFilter FILTER = new LatentFilter(LatentOdeModel.create(SPEC, 11), "m", 1);
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void theSigmaPointsHaveThePosteriorsMeanAndCovarianceExactly() {
        Random random = new Random(5);
        for (int latent = 1; latent <= 8; latent++) {
            double[] moments = new double[2 * latent];
            for (int i = 0; i < 2 * latent; i++) {
                moments[i] = random.nextGaussian() * 2;
            }
            int rows = SigmaPoints.count(latent);
            assertEquals(2 * latent + 1, rows);
            double[] z = new double[rows * latent];
            SigmaPoints.fill(moments, latent, z, null);
            for (int a = 0; a < latent; a++) {
                double mean = 0;
                for (int r = 0; r < rows; r++) {
                    mean += z[r * latent + a];
                }
                mean /= rows;
                assertEquals(moments[a], mean, 1e-12 * (1 + Math.abs(moments[a])), "mean of dimension " + a);
                for (int b = 0; b < latent; b++) {
                    double cov = 0;
                    for (int r = 0; r < rows; r++) {
                        cov += (z[r * latent + a] - moments[a]) * (z[r * latent + b] - moments[b]);
                    }
                    cov /= rows;
                    double expected = a == b ? Math.exp(2 * moments[latent + a]) : 0;
                    assertEquals(expected, cov, 1e-12 * (1 + expected), "covariance " + a + "," + b);
                }
            }
        }
    }

    /**
     * At the state's own time nothing is solved and the readout is linear, so the predictive is exactly
     * N(Wμ + b, W diag(σ²) Wᵀ + diag(noise²)) (in data units through the normalisation): the sigma-point
     * score must be that density, computed here independently from W, b, μ and σ.
     */
    @Test
    void whereTheDecoderIsLinearTheScoreIsTheExactGaussianPredictive() {
        FilterState state = history(6, 3);
        double[] moments = new double[2 * SPEC.latent()];
        FILTER.model().posterior().forward(state.hiddenView(), moments, 1);
        assertScoreIsGaussianAround(state, state.timeMillis(), ScoreMode.SIGMA_POINTS, moments);
    }

    /**
     * The mean's path ({@link ScoreMode#MEAN_PATH}): over no time it is the sigma-point score; after a
     * gap its predictive mean is the readout of the posterior mean solved to the observation's time
     * (here by a solver of the model's settings, independently of the filter) and its covariance the
     * posterior's at the state's time through the readout, W diag(σ²) Wᵀ, plus the noise.
     */
    @Test
    void alongTheMeansPathOnlyTheMeanMovesOverTheGap() {
        FilterState state = history(6, 3);
        long t = state.timeMillis();
        double[] values = {11.0, -2.7, 3.0};
        boolean[] all = {true, true, true};
        Score sigma = FILTER.score(state, t, values, all, ScoreMode.SIGMA_POINTS, 1, 0);
        Score path = FILTER.score(state, t, values, all, ScoreMode.MEAN_PATH, 1, 0);
        assertEquals(sigma.negativeLogDensity(), path.negativeLogDensity(), 1e-12, "over no time");
        for (int j = 0; j < SPEC.channels(); j++) {
            assertEquals(sigma.zScores()[j], path.zScores()[j], 1e-12, "z over no time, channel " + j);
        }

        int l = SPEC.latent();
        double[] moments = new double[2 * l];
        FILTER.model().posterior().forward(state.hiddenView(), moments, 1);
        double gap = 1.3; // model time units
        io.odestream.ode.Solution solved = new io.odestream.ode.rk.RungeKuttaSolver(
                io.odestream.ode.rk.Tableaus.byName(SPEC.method()),
                io.odestream.ode.control.StepControl.adaptive(SPEC.rtol(), SPEC.atol()).build())
                .solve(FILTER.model().decoderDynamics(), java.util.Arrays.copyOf(moments, l), 1, 0.0, new double[] {gap});
        double[] moved = moments.clone();
        for (int i = 0; i < l; i++) {
            moved[i] = solved.value(0, 0, i);
        }
        assertScoreIsGaussianAround(state, t + Math.round(gap * SPEC.timeUnitMillis()), ScoreMode.MEAN_PATH, moved);
    }

    /**
     * The score under {@code mode} at {@code t} is the Gaussian N(W m + b, W diag(σ²) Wᵀ + diag(noise²))
     * in data units, with m and log σ from {@code moments} ([m, log σ]), over each mask's observed
     * channels: computed here from the readout's W and b.
     */
    private static void assertScoreIsGaussianAround(FilterState state, long t, ScoreMode mode, double[] moments) {
        LatentOdeModel model = FILTER.model();
        int l = SPEC.latent();
        int c = SPEC.channels();
        double[] bias = new double[c];
        model.readout().forward(new double[l], bias, 1);
        double[][] w = new double[c][l];
        for (int i = 0; i < l; i++) {
            double[] unit = new double[l];
            unit[i] = 1;
            double[] column = new double[c];
            model.readout().forward(unit, column, 1);
            for (int j = 0; j < c; j++) {
                w[j][i] = column[j] - bias[j];
            }
        }
        double[] values = {11.0, -2.7, 3.0};
        for (boolean[] mask : new boolean[][] {{true, true, true}, {true, false, true}, {false, true, false}}) {
            // the expected density over the observed channels, in data units
            int n = 0;
            int[] observed = new int[c];
            for (int j = 0; j < c; j++) {
                if (mask[j]) {
                    observed[n++] = j;
                }
            }
            double[][] cov = new double[n][n];
            double[] r = new double[n];
            for (int a = 0; a < n; a++) {
                int ja = observed[a];
                double mean = bias[ja];
                for (int i = 0; i < l; i++) {
                    mean += w[ja][i] * moments[i];
                }
                r[a] = (values[ja] - (SPEC.mean(ja) + SPEC.std(ja) * mean));
                for (int b = 0; b < n; b++) {
                    int jb = observed[b];
                    double s = 0;
                    for (int i = 0; i < l; i++) {
                        s += w[ja][i] * w[jb][i] * Math.exp(2 * moments[l + i]);
                    }
                    if (a == b) {
                        s += model.noiseSigma(ja) * model.noiseSigma(ja);
                    }
                    cov[a][b] = s * SPEC.std(ja) * SPEC.std(jb);
                }
            }
            double expected = gaussianNegativeLogDensity(r, cov);
            Score score = FILTER.score(state, t, values, mask, mode, 1, 0);
            assertEquals(expected, score.negativeLogDensity(), 1e-10, "mask " + java.util.Arrays.toString(mask));
            assertEquals(n, score.observedChannels());
            for (int a = 0; a < n; a++) {
                int ja = observed[a];
                assertEquals(r[a] / Math.sqrt(cov[a][a]), score.zScores()[ja], 1e-10, "z of channel " + ja);
                assertEquals(values[ja] - r[a], score.predictiveMeans()[ja], 1e-10, "mean of channel " + ja);
            }
        }
    }

    /**
     * After a 1 s gap (the decoder ODE is nonlinear) the Monte-Carlo score approaches the sigma-point
     * score as K grows, on a posterior as tight as a trained model's (σ ≈ 0.14; the untrained one's
     * σ ≈ 2 makes the predictive far from Gaussian, where the two scores differ by design) and an
     * observation within two predictive standard deviations (far in the tail a mixture's density is
     * its nearest sample's, which converges slowly): on this fixed case the negative log-density and
     * every z agree within 0.1 at K = 4 096 (measured 0.084; 1.56 at K = 16, 0.10 at K = 256), at least
     * five times closer than at K = 16.
     */
    @Test
    void theMonteCarloScoreApproachesTheSigmaPointScoreAsTheSamplesGrow() {
        LatentFilter tight = new LatentFilter(tightPosterior(), "m", 1);
        FilterState state = history(tight, 8, 4);
        long t = state.timeMillis() + 1_000;
        boolean[] all = {true, true, true};
        // an observation 1, −1.5 and 0.5 predictive standard deviations from the predictive mean
        double[] probe = {12.0, -1.8, 1.0};
        Score atProbe = tight.score(state, t, probe, all, ScoreMode.SIGMA_POINTS, 1, 0);
        double[] offsets = {1, -1.5, 0.5};
        double[] values = new double[3];
        for (int j = 0; j < 3; j++) {
            double std = (probe[j] - atProbe.predictiveMeans()[j]) / atProbe.zScores()[j];
            values[j] = atProbe.predictiveMeans()[j] + offsets[j] * std;
        }
        Score sigma = tight.score(state, t, values, all, ScoreMode.SIGMA_POINTS, 1, 0);
        assertEquals(offsets[1], sigma.zScores()[1], 1e-9);
        double[] gaps = new double[3];
        int[] samples = {16, 256, 4096};
        for (int i = 0; i < samples.length; i++) {
            Score mc = tight.score(state, t, values, all, ScoreMode.MONTE_CARLO, samples[i], 42);
            gaps[i] = Math.abs(mc.negativeLogDensity() - sigma.negativeLogDensity());
            for (int j = 0; j < 3; j++) {
                gaps[i] = Math.max(gaps[i], Math.abs(mc.zScores()[j] - sigma.zScores()[j]));
            }
        }
        assertTrue(gaps[2] < 0.1, "K = 4096 differs by " + gaps[2] + " (K = 16: " + gaps[0] + ", 256: " + gaps[1]
                + ")");
        assertTrue(gaps[2] < gaps[0] / 5, "K = 4096 (" + gaps[2] + ") not 5× closer than K = 16 (" + gaps[0] + ")");
    }

    /** The test model with its posterior's log σ pulled to about −2 (σ ≈ 0.14), as training leaves it. */
    private static LatentOdeModel tightPosterior() {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 11);
        double[] p = model.parameters().values();
        int l = SPEC.latent();
        int h = SPEC.hidden();
        int weight = model.parameters().offset("posterior.0.weight");
        int bias = model.parameters().offset("posterior.0.bias");
        for (int o = l; o < 2 * l; o++) {
            for (int i = 0; i < h; i++) {
                p[weight + o * h + i] *= 0.1;
            }
            p[bias + o] = -2;
        }
        model.parametersChanged();
        return model;
    }

    @Test
    void settingsThatSayNothingOfTheModeScoreBySigmaPointsAndMonteCarloIsTheOption() {
        MonitorSettings plain = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16);
        assertSame(ScoreMode.SIGMA_POINTS, plain.scoreMode(), "the default");
        assertSame(ScoreMode.SIGMA_POINTS, MonitorSettings.defaults().scoreMode(), "the default");
        assertSame(ScoreMode.SIGMA_POINTS, plain.withRestartAfterFailures(1).scoreMode());
        MonitorSettings old = plain.withScoreMode(ScoreMode.MONTE_CARLO);
        assertSame(ScoreMode.MONTE_CARLO, old.withRestartAfterFailures(1).scoreMode(), "a copy keeps the mode");
        FilterState state = history(5, 7);
        double[] x = {9.0, -2.2, 0.1};
        boolean[] all = {true, true, true};
        long t = state.timeMillis() + 700;
        Score before = FILTER.score(state, t, x, all, 8, 99);
        Score viaMonitor = step(old, state, t, x, 99).score();
        assertEquals(before.negativeLogDensity(), viaMonitor.negativeLogDensity(), 0.0, "bit for bit");
        assertEquals(before.zScores()[0], viaMonitor.zScores()[0], 0.0);
    }

    @Test
    void aSigmaPointMonitorScoresWithoutMonteCarloAndAnySeedGivesTheSameScore() {
        MonitorSettings sigma = new MonitorSettings(AlertPolicy.defaults(), 8, 8, 16);
        FilterState state = history(5, 7);
        double[] x = {9.0, -2.2, 0.1};
        long t = state.timeMillis() + 700;
        Score a = step(sigma, state, t, x, 1).score();
        Score b = step(sigma, state, t, x, 2).score();
        assertEquals(a.negativeLogDensity(), b.negativeLogDensity(), 0.0);
        assertEquals(FILTER.score(state, t, x, new boolean[] {true, true, true}, ScoreMode.SIGMA_POINTS, 1, 0)
                .negativeLogDensity(), a.negativeLogDensity(), 0.0);
    }

    @Test
    void anUpdateWithoutAScoreModeIsRefused() {
        FilterState state = FILTER.start(T0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ObservationUpdate(state, T0, new double[3], null, 8, 1, null));
        assertTrue(e.getMessage().contains("score mode"), e.getMessage());
    }

    private static SeriesMonitor.Verdict step(MonitorSettings settings, FilterState state, long t, double[] x,
                                              long seed) {
        InMemorySeries series = new InMemorySeries(null);
        series.store(state);
        return new SeriesMonitor(settings).step(series, FILTER, t, x, new boolean[] {true, true, true}, seed);
    }

    /** A state after {@code n} observations around the normalisation's means, 1 s apart. */
    private static FilterState history(int n, long seed) {
        return history(FILTER, n, seed);
    }

    private static FilterState history(LatentFilter filter, int n, long seed) {
        Random random = new Random(seed);
        FilterState state = filter.start(T0);
        for (int k = 0; k < n; k++) {
            double[] v = new double[3];
            for (int j = 0; j < 3; j++) {
                v[j] = SPEC.mean(j) + SPEC.std(j) * random.nextGaussian();
            }
            state = filter.update(state, T0 + 1_000L * k, v, null);
        }
        return state;
    }

    private static double gaussianNegativeLogDensity(double[] r, double[][] cov) {
        int n = r.length;
        double[][] chol = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = cov[i][j];
                for (int k = 0; k < j; k++) {
                    s -= chol[i][k] * chol[j][k];
                }
                chol[i][j] = i == j ? Math.sqrt(s) : s / chol[j][j];
            }
        }
        double[] y = new double[n];
        double quadratic = 0;
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            double s = r[i];
            for (int k = 0; k < i; k++) {
                s -= chol[i][k] * y[k];
            }
            y[i] = s / chol[i][i];
            quadratic += y[i] * y[i];
            logDet += 2 * Math.log(chol[i][i]);
        }
        return 0.5 * quadratic + 0.5 * logDet + 0.5 * n * Math.log(2 * Math.PI);
    }
}
