package io.odestream.eval.mortality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.nn.Activation;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The features are the job's filter state after exactly the observations up to each cutoff. */
class FilterStateFeaturesTest {
    private static final long HOUR = 3_600_000L;

    @Test
    void eachCutoffSeesOnlyTheObservationsBeforeIt() {
        LatentOdeSpec spec = new LatentOdeSpec(1, 2, 3, 4, new int[] {5}, new int[] {5}, Activation.TANH, 48.0 * HOUR,
                "dopri5", 1e-6, 1e-8, new double[2], new double[] {1, 1});
        LatentFilter filter = new LatentFilter(LatentOdeModel.create(spec, 3L), "test", 1);
        long[] times = {2 * HOUR, 20 * HOUR, 30 * HOUR};
        double[][] values = {{0.1, 0.2}, {0.3, Double.NaN}, {0.5, 0.6}};
        Series early = new Series(times, values);
        Series late = new Series(new long[] {25 * HOUR}, new double[][] {{0.4, 0.4}});

        double[][] features = FilterStateFeatures.at(filter, List.of(early, late), new long[] {24 * HOUR, 48 * HOUR},
                new long[1]);

        FilterState state = filter.start(times[0]);
        state = filter.update(state, times[0], values[0], null);
        state = filter.update(state, times[1], values[1], null);
        double[] at24 = state.hidden();
        state = filter.update(state, times[2], values[2], null);
        double[] at48 = state.hidden();
        FilterState lateState = filter.update(filter.start(25 * HOUR), 25 * HOUR, new double[] {0.4, 0.4}, null);
        assertArrayEquals(at24, Arrays.copyOfRange(features[0], 0, 4), 0.0, "first stay at 24 h: two observations");
        assertArrayEquals(at48, Arrays.copyOfRange(features[1], 0, 4), 0.0, "first stay at 48 h: all three");
        assertArrayEquals(filter.start(25 * HOUR).hidden(), Arrays.copyOfRange(features[0], 4, 8), 0.0,
                "a stay with nothing before 24 h has the start state");
        assertArrayEquals(lateState.hidden(), Arrays.copyOfRange(features[1], 4, 8), 0.0, "second stay at 48 h");
    }
}
