package io.odestream.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A risk head saved by training and loaded by the job is the same function of the hidden state: the
 * artifact carries the classifier, the z-scoring and which features it reads, checksummed; a head
 * that cannot read the served model's hidden state is refused with a message that says why.
 */
class RiskHeadTest {
    private static final int H = 6;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {RiskHeadSpec.ODE_NET, RiskHeadSpec.RES_NET})
    void aSavedHeadScoresEveryStateAsTheTrainedClassifierDid(String kind) throws Exception {
        RiskHeadSpec spec = spec(kind, H);
        DepthClassifier trained = spec.newClassifier();
        Random random = new Random(7);
        double[] theta = trained.parameters();
        for (int i = 0; i < theta.length; i++) {
            theta[i] = 0.5 * random.nextGaussian(); // not the spec's fresh initialisation: the parameters must travel
        }
        trained.parametersChanged();
        Path file = dir.resolve("head.avro");
        ModelArtifacts.write(RiskHead.toArtifact(spec, trained, "mortality-head", 3, Map.of("auc", 0.8),
                Map.of("trainedOn", "test")), file);

        RiskHead head = RiskHead.read(file);

        assertEquals("mortality-head/3", head.headId());
        double[] mean = spec.mean();
        double[] std = spec.std();
        for (int trial = 0; trial < 20; trial++) {
            double[] hidden = new double[H];
            double[] scaled = new double[H];
            for (int j = 0; j < H; j++) {
                hidden[j] = 3 * random.nextGaussian();
                scaled[j] = (hidden[j] - mean[j]) / std[j];
            }
            double expected = trained.probabilities(scaled, 1)[1];
            double p = head.probability(hidden);
            assertEquals(expected, p, 1e-12, "state " + trial);
            assertTrue(p >= 0 && p <= 1, "a probability, got " + p);
        }
    }

    @Test
    void aHeadTrainedOnAnotherHiddenSizeIsRefusedNamingBothSizes() {
        RiskHeadSpec spec = spec(RiskHeadSpec.RES_NET, H);
        RiskHead head = RiskHead.load(RiskHead.toArtifact(spec, spec.newClassifier(), "h", 1, Map.of(), Map.of()));

        head.requireInputs(H, "model 'm' version 1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> head.requireInputs(H + 2, "model 'm' version 1"));

        assertTrue(e.getMessage().contains("6 values") && e.getMessage().contains("keeps 8"), e.getMessage());
    }

    /**
     * The job scores every absorbed observation: a ResNet head does it in its own scratch. (An ODE head
     * allocates in its adaptive solver, whose solution objects are per solve; not held to this.)
     */
    @Test
    void aResNetHeadScoresAStateWithoutAllocating() {
        RiskHeadSpec spec = spec(RiskHeadSpec.RES_NET, H);
        RiskHead head = RiskHead.load(RiskHead.toArtifact(spec, spec.newClassifier(), "h", 1, Map.of(), Map.of()));
        double[] hidden = new double[H];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        double sum = 0;
        for (int i = 0; i < 20_000; i++) { // warm-up: scratch sized, code compiled
            hidden[i % H] = i * 1e-4;
            sum += head.probability(hidden);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            hidden[i % H] = -i * 1e-4;
            sum += head.probability(hidden);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(sum > 0);
        // one object per call would be >= 160 000 bytes; the bound leaves room for the counter's own reads
        assertTrue(allocated < 4_096, allocated + " bytes allocated over 10 000 scores");
    }

    @Test
    void aModifiedHeadIsRefusedByItsChecksum() {
        RiskHeadSpec spec = spec(RiskHeadSpec.RES_NET, H);
        ModelArtifact artifact = RiskHead.toArtifact(spec, spec.newClassifier(), "h", 1, Map.of(), Map.of());
        List<Double> changed = new ArrayList<>(artifact.getParameters());
        changed.set(0, changed.get(0) + 1e-3);
        artifact.setParameters(changed);

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> RiskHead.load(artifact));

        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void aServedModelIsNotARiskHead() {
        RiskHeadSpec spec = spec(RiskHeadSpec.RES_NET, H);
        ModelArtifact model = ModelArtifacts.create("m", 1, null, "latent-ode", spec.toJson(),
                spec.newClassifier().parameters(), Map.of(), Map.of());

        InvalidArtifactException e = assertThrows(InvalidArtifactException.class, () -> RiskHead.load(model));

        assertTrue(e.getMessage().contains("not a 'risk-head'"), e.getMessage());
    }

    @Test
    void aSpecWithoutOneScalePerInputIsRefused() {
        assertThrows(InvalidArtifactException.class, () -> new RiskHeadSpec(1, RiskHeadSpec.FILTER_HIDDEN,
                RiskHeadSpec.RES_NET, 3, 2, 0, 4, 1, 1e-3, 1e-4, new double[3], new double[] {1, 1}));
    }

    private static RiskHeadSpec spec(String kind, int inputs) {
        double[] mean = new double[inputs];
        double[] std = new double[inputs];
        for (int j = 0; j < inputs; j++) {
            mean[j] = 0.1 * j - 0.2;
            std[j] = 0.5 + 0.25 * j;
        }
        boolean ode = RiskHeadSpec.ODE_NET.equals(kind);
        return new RiskHeadSpec(1, RiskHeadSpec.FILTER_HIDDEN, kind, inputs, 4, 0, 5, ode ? 0 : 2, 1e-6, 1e-8, mean,
                std);
    }
}
