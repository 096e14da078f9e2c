package io.odestream.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.BatchForecaster;
import io.odestream.latent.BatchBackend;
import io.odestream.latent.FilterState;
import io.odestream.latent.ForecastQuery;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.Prediction;
import io.odestream.nn.Activation;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The streaming job's view of the djl backend: found by name next to {@code java}, every query of a
 * batch answered in order, agreeing with {@code LatentFilter.predict} within 100·rtol (the bound
 * {@link DjlLatentPredictorTest} justifies), and a solve that fails for one series costing only that
 * series its forecast.
 */
class DjlBatchForecasterTest {
    private static final double RTOL = 1e-10;
    /** cpu in CI; scripts/gpu-check.sh runs the same tests with -Dodestream.djl.device=gpu:N. */
    private static final String DEVICE = System.getProperty(DjlDevice.DEVICE_PROPERTY, "cpu");
    private static final LatentOdeSpec SPEC = new LatentOdeSpec(1, 2, 3, 6, new int[] {8}, new int[] {8},
            Activation.TANH, 1000.0, "dopri5", RTOL, RTOL * 1e-2, new double[] {1.0, -2.0}, new double[] {2.0, 0.5});
    private static final ModelArtifact ARTIFACT =
            LatentOdeModel.create(SPEC, 3).toArtifact("m", 1, null, Map.of(), Map.of());

    @Test
    void theDjlBackendAnswersEveryQueryInOrderAsTheFilterDoes() {
        LatentFilter filter = LatentFilter.init(ARTIFACT);
        List<ForecastQuery> queries = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            long t = 1_000L * (k + 1);
            FilterState s = filter.update(filter.start(0), t, new double[] {0.1 * k, -1.0 + 0.2 * k}, null);
            // two sample counts in one batch: two device solves; t - 200 is before the state, refused by both
            queries.add(new ForecastQuery(s, new long[] {t + 500, t + 4_000, t - 200}, k % 2 == 0 ? 8 : 16, 100 + k));
        }
        try (BatchForecaster djl = BatchBackend.named("djl").forecaster(ARTIFACT, DEVICE)) {
            assertInstanceOf(DjlBatchForecaster.class, djl);
            BatchForecaster.Outcome[] outcomes = djl.predict(queries);
            assertEquals(queries.size(), outcomes.length);
            double worst = 0;
            for (int k = 0; k < outcomes.length; k++) {
                ForecastQuery q = queries.get(k);
                assertNull(outcomes[k].failure());
                Prediction expected = filter.predict(q.state(), q.queryTimesMillis(), q.samples(), q.seed());
                Prediction got = outcomes[k].prediction();
                assertEquals(q.samples(), got.samples());
                for (int i = 0; i < expected.times().length; i++) {
                    assertEquals(expected.answered(i), got.answered(i), "both refuse the query before the state");
                    if (!expected.answered(i)) {
                        assertEquals(expected.refused()[i], got.refused()[i]);
                        continue;
                    }
                    for (int j = 0; j < 2; j++) {
                        worst = Math.max(worst, Math.abs(got.mean()[i][j] - expected.mean()[i][j])
                                / (1 + Math.abs(expected.mean()[i][j])));
                        worst = Math.max(worst, Math.abs(got.q95()[i][j] - expected.q95()[i][j])
                                / (1 + Math.abs(expected.q95()[i][j])));
                    }
                }
            }
            assertTrue(worst <= 100 * RTOL, "max |djl - java| / (1 + |java|) = " + worst);
        }
    }

    @Test
    void aSeriesWhoseSolveFailsLosesOnlyItsOwnForecast() {
        LatentFilter filter = LatentFilter.init(ARTIFACT);
        FilterState good = filter.update(filter.start(0), 1_000, new double[] {0.3, 0.1}, null);
        double[] huge = new double[SPEC.hidden()];
        java.util.Arrays.fill(huge, 1e300); // its posterior draws overflow: no solve can take them
        FilterState broken = new FilterState("m", 1, 0, 1_000, huge);
        List<ForecastQuery> queries = List.of(new ForecastQuery(good, new long[] {3_000}, 8, 1),
                new ForecastQuery(broken, new long[] {3_000}, 8, 2));
        try (BatchForecaster djl = BatchBackend.named("djl").forecaster(ARTIFACT, DEVICE)) {
            BatchForecaster.Outcome[] outcomes = djl.predict(queries);
            assertNotNull(outcomes[0].prediction(), "the healthy series is still answered");
            assertNotNull(outcomes[1].failure(), "the broken one reports the solver's failure");
        }
    }
}
