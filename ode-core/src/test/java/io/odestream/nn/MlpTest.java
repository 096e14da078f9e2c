package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** An MLP of any depth and activation: exact VJPs, independent rows, reproducible initialisation. */
class MlpTest {

    /**
     * Every activation as hidden and as output, depth 1–3, random odd sizes (often 1) and
     * batches (often 1), plus batches that take the block kernels.
     */
    static Stream<Arguments> architectures() {
        List<Arguments> cases = new ArrayList<>();
        long seed = 100;
        for (Activation hidden : Activation.values()) {
            for (int depth = 1; depth <= 3; depth++) {
                Random random = new Random(seed);
                int[] sizes = new int[depth + 1];
                for (int k = 0; k <= depth; k++) {
                    sizes[k] = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(9);
                }
                int rows = random.nextInt(3) == 0 ? 1 : 1 + random.nextInt(6);
                Activation output = Activation.values()[(int) (seed % Activation.values().length)];
                cases.add(Arguments.of(new MlpSpec(sizes, hidden, output), rows, seed));
                seed++;
            }
            // batches large enough for the feature-major block kernels: one partial block, two blocks
            long blockSeed = 1000 + seed;
            cases.add(Arguments.of(MlpSpec.of(hidden, Activation.IDENTITY, 3, 5, 2), Mlp.COLUMN_KERNEL_MIN_ROWS + 1,
                    blockSeed));
            cases.add(Arguments.of(MlpSpec.of(hidden, Activation.TANH, 2, 4, 3, 2), Mlp.BLOCK_ROWS + 3, blockSeed + 1));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void vjpMatchesFiniteDifferencesForInputsAndParameters(MlpSpec spec, int rows, long seed) {
        Random random = new Random(seed);
        Mlp mlp = Mlp.create(spec, seed);
        perturbBiases(mlp, random); // zero biases would leave relu/elu kinks at the origin of every row
        double[] x = FiniteDifferences.gaussian(random, rows * spec.inputSize(), 1.0);
        double[] a = FiniteDifferences.gaussian(random, rows * spec.outputSize(), 1.0);
        double[] y = new double[rows * spec.outputSize()];
        FiniteDifferences.Scalar loss = () -> {
            mlp.forward(x, y, rows);
            return FiniteDifferences.dot(a, y, y.length);
        };
        double[] gx = new double[x.length];
        double[] gTheta = mlp.parameters().newGradient();
        mlp.vjp(x, a, gx, gTheta, rows);
        FiniteDifferences.assertClose(gx, FiniteDifferences.gradient(x, loss), spec + " input cotangent");
        Parameters p = mlp.parameters();
        FiniteDifferences.assertClose(gTheta, FiniteDifferences.gradient(p.values(), 0, p.size(), loss, p::markChanged),
                spec + " parameter cotangent");
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void aRowGivesTheSameBitsAloneAndInsideAnyBatch(MlpSpec spec, int ignoredRows, long seed) {
        Random random = new Random(seed);
        Mlp mlp = Mlp.create(spec, seed);
        perturbBiases(mlp, random);
        int rows = 37;
        int in = spec.inputSize();
        int out = spec.outputSize();
        double[] x = FiniteDifferences.gaussian(random, rows * in, 1.0);
        double[] a = FiniteDifferences.gaussian(random, rows * out, 1.0);
        double[] y = new double[rows * out];
        double[] gx = new double[rows * in];
        mlp.forward(x, y, rows);
        mlp.vjp(x, a, gx, mlp.parameters().newGradient(), rows);
        Mlp fresh = new Mlp(spec, mlp.parameters(), "mlp");
        for (int r = 0; r < rows; r++) {
            double[] xr = Arrays.copyOfRange(x, r * in, (r + 1) * in);
            double[] ar = Arrays.copyOfRange(a, r * out, (r + 1) * out);
            double[] yr = new double[out];
            double[] gxr = new double[in];
            fresh.forward(xr, yr, 1);
            fresh.vjp(xr, ar, gxr, mlp.parameters().newGradient(), 1);
            assertArrayEquals(Arrays.copyOfRange(y, r * out, (r + 1) * out), yr, 0.0, "row " + r + " of f");
            assertArrayEquals(Arrays.copyOfRange(gx, r * in, (r + 1) * in), gxr, 0.0, "row " + r + " of the VJP");
        }
        // the same instance after a larger batch (scratch buffers grown) gives the same bits too
        double[] y2 = new double[3 * out];
        mlp.forward(Arrays.copyOfRange(x, 5 * in, 8 * in), y2, 3);
        assertArrayEquals(Arrays.copyOfRange(y, 5 * out, 8 * out), y2, 0.0, "rows 5..7 as a batch of 3");
    }

    @Test
    void parameterCotangentsAccumulateOverCalls() {
        MlpSpec spec = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 5, 8, 3);
        Mlp mlp = Mlp.create(spec, 1);
        Random random = new Random(2);
        double[] x = FiniteDifferences.gaussian(random, 4 * 5, 1.0);
        double[] a = FiniteDifferences.gaussian(random, 4 * 3, 1.0);
        double[] once = mlp.parameters().newGradient();
        mlp.vjp(x, a, null, once, 4);
        double[] twice = mlp.parameters().newGradient();
        mlp.vjp(x, a, null, twice, 4);
        mlp.vjp(x, a, null, twice, 4);
        double[] preset = FiniteDifferences.gaussian(random, once.length, 1.0);
        double[] onPreset = preset.clone();
        mlp.vjp(x, a, null, onPreset, 4);
        for (int k = 0; k < once.length; k++) {
            assertEquals(2 * once[k], twice[k], 1e-14 * Math.abs(once[k]), "twice, gTheta[" + k + "]");
            assertEquals(preset[k] + once[k], onPreset[k], 1e-14 * (Math.abs(preset[k]) + Math.abs(once[k])),
                    "added to existing contents, gTheta[" + k + "]");
        }
    }

    @Test
    void parametersAreNamedAndShapedLikeTorch() {
        Mlp mlp = Mlp.create(MlpSpec.of(Activation.TANH, Activation.IDENTITY, 16, 64, 16), 0);
        List<Parameters.Slice> slices = mlp.parameters().slices();
        assertEquals(List.of("mlp.0.weight", "mlp.0.bias", "mlp.1.weight", "mlp.1.bias"),
                slices.stream().map(Parameters.Slice::name).toList());
        assertArrayEquals(new int[] {64, 16}, slices.get(0).shape());
        assertArrayEquals(new int[] {16, 64}, slices.get(2).shape());
        assertEquals(16 * 64 + 64 + 64 * 16 + 16, mlp.parameters().size());
    }

    @Test
    void initialisationIsReproducibleAndScaledForTheActivation() {
        MlpSpec tanh = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 16, 64, 16);
        assertArrayEquals(Mlp.create(tanh, 42).parameters().values(), Mlp.create(tanh, 42).parameters().values(), 0.0);
        assertNotEquals(Arrays.toString(Mlp.create(tanh, 42).parameters().values()),
                Arrays.toString(Mlp.create(tanh, 43).parameters().values()));
        assertWeightsFill(Mlp.create(tanh, 42), "mlp.0", Math.sqrt(6.0 / (16 + 64))); // Glorot
        MlpSpec relu = MlpSpec.of(Activation.RELU, Activation.IDENTITY, 16, 64, 16);
        assertWeightsFill(Mlp.create(relu, 42), "mlp.0", Math.sqrt(6.0 / 16)); // He
        assertWeightsFill(Mlp.create(relu, 42), "mlp.1", Math.sqrt(6.0 / (64 + 16))); // identity output: Glorot
    }

    @Test
    void badArchitecturesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> MlpSpec.of(Activation.TANH, Activation.IDENTITY, 4));
        assertThrows(IllegalArgumentException.class, () -> MlpSpec.of(Activation.TANH, Activation.IDENTITY, 4, 0, 2));
        Parameters.Builder layout = Parameters.builder();
        Mlp.declare(layout, "f", MlpSpec.of(Activation.TANH, Activation.IDENTITY, 4, 8, 4));
        Parameters p = layout.build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Mlp(MlpSpec.of(Activation.TANH, Activation.IDENTITY, 4, 9, 4), p, "f"));
        assertTrue(e.getMessage().contains("f.0.weight"), e.getMessage());
    }

    /** Weights lie within ±bound and spread over it; biases are zero. */
    private static void assertWeightsFill(Mlp mlp, String layer, double bound) {
        Parameters p = mlp.parameters();
        Parameters.Slice w = p.slice(layer + ".weight");
        double max = 0;
        for (int k = 0; k < w.size(); k++) {
            max = Math.max(max, Math.abs(p.values()[w.offset() + k]));
        }
        assertTrue(max <= bound && max > 0.95 * bound, layer + ": max |w| " + max + " for bound " + bound);
        Parameters.Slice b = p.slice(layer + ".bias");
        for (int k = 0; k < b.size(); k++) {
            assertEquals(0.0, p.values()[b.offset() + k]);
        }
    }

    static void perturbBiases(Mlp mlp, Random random) {
        Parameters p = mlp.parameters();
        for (Parameters.Slice s : p.slices()) {
            if (s.name().endsWith(".bias")) {
                for (int k = 0; k < s.size(); k++) {
                    p.values()[s.offset() + k] = 0.3 * random.nextGaussian();
                }
            }
        }
        p.markChanged();
    }
}
