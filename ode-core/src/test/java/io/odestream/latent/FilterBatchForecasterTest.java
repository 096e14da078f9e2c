package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.ModelArtifact;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterBatchForecasterTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(2, 3, 6, new int[] {8}, new int[] {8}, 1000.0);
    private static final ModelArtifact ARTIFACT =
            LatentOdeModel.create(SPEC, 5).toArtifact("m", 1, null, Map.of(), Map.of());

    @Test
    void theJavaBackendIsFoundByNameAndAnswersEachQueryAsTheFilterDoes() {
        BatchForecaster forecaster = BatchBackend.named("java").forecaster(ARTIFACT, "cpu");
        assertInstanceOf(FilterBatchForecaster.class, forecaster);
        LatentFilter filter = LatentFilter.init(ARTIFACT);
        FilterState a = filter.update(filter.start(0), 1_000, new double[] {0.5, -1.0}, null);
        FilterState b = filter.update(a, 4_000, new double[] {0.1, Double.NaN}, null);
        List<ForecastQuery> queries = List.of(new ForecastQuery(a, new long[] {2_000, 9_000}, 16, 7),
                new ForecastQuery(b, new long[] {5_000}, 4, 8));

        BatchForecaster.Outcome[] outcomes = forecaster.predict(queries);

        assertEquals(2, outcomes.length);
        for (int i = 0; i < 2; i++) {
            ForecastQuery q = queries.get(i);
            Prediction expected = filter.predict(q.state(), q.queryTimesMillis(), q.samples(), q.seed());
            assertNull(outcomes[i].failure());
            for (int t = 0; t < q.queryTimesMillis().length; t++) {
                assertArrayEquals(expected.mean()[t], outcomes[i].prediction().mean()[t], 0.0);
                assertArrayEquals(expected.q95()[t], outcomes[i].prediction().q95()[t], 0.0);
            }
        }
    }

    @Test
    void aStateOfAnotherModelIsRefusedAndAnUnknownBackendNamesTheOnesThere() {
        BatchForecaster forecaster = BatchBackend.named("java").forecaster(ARTIFACT, "cpu");
        FilterState foreign = new FilterState("other", 3, 0, 0, new double[6]);
        assertThrows(IllegalArgumentException.class,
                () -> forecaster.predict(List.of(new ForecastQuery(foreign, new long[] {1}, 1, 1))));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchBackend.named("tpu"));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("java"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BatchBackend.named("java").forecaster(ARTIFACT, "gpu:0"));
        assertNotNull(BatchBackend.named("java").forecaster(ARTIFACT, null));
    }
}
