package io.odestream.eval.mortality;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.classify.DepthClassifier;
import io.odestream.classify.RiskHead;
import io.odestream.classify.RiskHeadSpec;
import io.odestream.eval.physionet.MinMaxNormalisation;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining.Series;
import io.odestream.model.ModelArtifacts;
import io.odestream.nn.Activation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code eval mortality --save-head} writes is what the job needs: the served model, fed raw
 * values, reaches the hidden state the table's filter reached from min-max scaled ones, and a saved
 * head loads back as the same function of that state.
 */
class MortalityArtifactsTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    @Test
    void theSavedModelReadsRawValuesIntoTheStateTheTableReadFromScaledOnes() {
        LatentOdeSpec spec = new LatentOdeSpec(1, 2, 3, 4, new int[] {5}, new int[] {5}, Activation.TANH, 48.0 * HOUR,
                "dopri5", 1e-6, 1e-8, new double[] {0.4, 0.5}, new double[] {0.2, 0.3});
        LatentOdeModel model = LatentOdeModel.create(spec, 3L);
        // heart rate in [40, 180], a channel with one value only (range 0: scaling leaves it uncentred by range)
        MinMaxNormalisation scaling = new MinMaxNormalisation(new double[] {40, 7}, new double[] {180, 7});
        Series raw = new Series(new long[] {HOUR, 5 * HOUR, 9 * HOUR}, new double[][] {{72, 7}, {110, 7}, {95, 7}});
        Series scaled = scaling.apply(raw);

        new MortalityArtifacts(dir, List.of("HR", "pH")).model(model, scaling);
        LatentFilter served = LatentFilter.init(ModelArtifacts.read(dir.resolve(MortalityArtifacts.MODEL_FILE)));
        LatentFilter table = new LatentFilter(model, "table", 1);

        assertEquals(List.of("HR", "pH"), served.model().spec().channelNames());
        FilterState a = served.start(HOUR);
        FilterState b = table.start(HOUR);
        for (int k = 0; k < 3; k++) {
            long t = raw.timesMillis()[k];
            a = served.update(a, t, raw.values()[k], null);
            b = table.update(b, t, scaled.values()[k], null);
            assertArrayEquals(b.hidden(), a.hidden(), 1e-9, "after observation " + k);
        }
    }

    @Test
    void aSavedHeadIsNamedByHeadAndCutoffAndScoresAsTrained() {
        double[] mean = {0.1, 0.2, 0.3, 0.4};
        double[] std = {1, 2, 3, 4};
        RiskHeadSpec spec = new RiskHeadSpec(1, RiskHeadSpec.FILTER_HIDDEN, RiskHeadSpec.RES_NET, 4, 3, 0, 5, 2, 1e-3,
                1e-4, mean, std);
        DepthClassifier trained = DepthClassifier.resNet(new DepthClassifier.Shape(4, 3, 2), 2, 5, 9L);

        new MortalityArtifacts(dir, List.of("HR")).head("ResNet", "24 h", spec, trained, 0.75);

        RiskHead head = RiskHead.read(dir.resolve("risk-head-resnet-24-h.avro"));
        double[] state = {0.5, -1, 2, 0};
        double[] scaled = new double[4];
        for (int j = 0; j < 4; j++) {
            scaled[j] = (state[j] - mean[j]) / std[j];
        }
        assertEquals(trained.probabilities(scaled, 1)[1], head.probability(state), 1e-12);
        assertEquals("mortality-resnet-24-h/1", head.headId());
        assertEquals(0.75, ModelArtifacts.read(dir.resolve("risk-head-resnet-24-h.avro")).getMetrics().get("auc"));
    }
}
