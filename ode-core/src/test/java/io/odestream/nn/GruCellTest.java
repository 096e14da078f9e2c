package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GRU cell is torch's GRUCell (gates r, z, n), its masked variant ignores missing channels,
 * and both VJPs are exact.
 */
class GruCellTest {

    static Stream<Arguments> shapes() {
        // rows, input, hidden, masked, seed
        return Stream.of(Arguments.of(1, 1, 1, false, 1L), Arguments.of(1, 1, 1, true, 2L),
                Arguments.of(3, 4, 16, false, 3L), Arguments.of(3, 4, 16, true, 4L),
                Arguments.of(2, 3, 5, false, 5L), Arguments.of(5, 3, 5, true, 6L),
                Arguments.of(4, 1, 7, true, 7L), Arguments.of(1, 6, 2, false, 8L));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void vjpMatchesFiniteDifferencesForInputStateAndParameters(int rows, int in, int hidden, boolean masked,
            long seed) {
        Random random = new Random(seed);
        GruCell cell = GruCell.create(in, hidden, masked, seed);
        double[] x = FiniteDifferences.gaussian(random, rows * in, 1.0);
        double[] h = FiniteDifferences.gaussian(random, rows * hidden, 0.5);
        double[] mask = masked ? randomMask(random, rows, in) : null;
        double[] a = FiniteDifferences.gaussian(random, rows * hidden, 1.0);
        double[] hNew = new double[rows * hidden];
        FiniteDifferences.Scalar loss = () -> {
            if (masked) {
                cell.forward(x, mask, h, hNew, rows);
            } else {
                cell.forward(x, h, hNew, rows);
            }
            return FiniteDifferences.dot(a, hNew, hNew.length);
        };
        double[] gx = new double[x.length];
        double[] gh = new double[h.length];
        double[] gTheta = cell.parameters().newGradient();
        if (masked) {
            cell.vjp(x, mask, h, a, gx, gh, gTheta, rows);
        } else {
            cell.vjp(x, h, a, gx, gh, gTheta, rows);
        }
        String what = cell + " rows=" + rows;
        double[] gxNumeric = FiniteDifferences.gradient(x, loss);
        if (masked && Arrays.stream(mask).allMatch(m -> m == 0)) {
            assertArrayEquals(new double[x.length], gx, 0.0, what + " input cotangent with nothing observed");
        } else {
            FiniteDifferences.assertClose(gx, gxNumeric, what + " input cotangent");
        }
        FiniteDifferences.assertClose(gh, FiniteDifferences.gradient(h, loss), what + " state cotangent");
        Parameters p = cell.parameters();
        FiniteDifferences.assertClose(gTheta, FiniteDifferences.gradient(p.values(), 0, p.size(), loss, p::markChanged),
                what + " parameter cotangent");
    }

    @Test
    void plainCellFollowsTorchGruCellEquationsElementByElement() {
        int in = 4;
        int hs = 16;
        int rows = 3;
        GruCell cell = GruCell.create(in, hs, false, 9);
        Random random = new Random(10);
        double[] x = FiniteDifferences.gaussian(random, rows * in, 1.0);
        double[] h = FiniteDifferences.gaussian(random, rows * hs, 0.5);
        double[] hNew = new double[rows * hs];
        cell.forward(x, h, hNew, rows);
        double[] p = cell.parameters().values();
        int wih = cell.parameters().offset("gru.weight_ih");
        int whh = cell.parameters().offset("gru.weight_hh");
        int bih = cell.parameters().offset("gru.bias_ih");
        int bhh = cell.parameters().offset("gru.bias_hh");
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < hs; j++) {
                double[] ig = new double[3];
                double[] hg = new double[3];
                for (int gate = 0; gate < 3; gate++) {
                    int row = gate * hs + j; // torch stacks (r, z, n) along the 3H rows
                    ig[gate] = p[bih + row];
                    for (int k = 0; k < in; k++) {
                        ig[gate] += p[wih + row * in + k] * x[r * in + k];
                    }
                    hg[gate] = p[bhh + row];
                    for (int k = 0; k < hs; k++) {
                        hg[gate] += p[whh + row * hs + k] * h[r * hs + k];
                    }
                }
                double reset = 1 / (1 + Math.exp(-(ig[0] + hg[0])));
                double update = 1 / (1 + Math.exp(-(ig[1] + hg[1])));
                double candidate = Math.tanh(ig[2] + reset * hg[2]);
                double expected = (1 - update) * candidate + update * h[r * hs + j];
                assertEquals(expected, hNew[r * hs + j], 1e-14, "h'[" + r + "," + j + "]");
            }
        }
    }

    @Test
    void missingChannelsAreNeverReadEvenWhenNaN() {
        GruCell cell = GruCell.create(3, 5, true, 12);
        double[] h = FiniteDifferences.gaussian(new Random(13), 5, 0.5);
        double[] mask = {1, 0, 1};
        double[] withZero = new double[5];
        double[] withNaN = new double[5];
        double[] withHuge = new double[5];
        cell.forward(new double[] {0.3, 0.0, -1.2}, mask, h, withZero, 1);
        cell.forward(new double[] {0.3, Double.NaN, -1.2}, mask, h, withNaN, 1);
        cell.forward(new double[] {0.3, 1e300, -1.2}, mask, h, withHuge, 1);
        assertArrayEquals(withZero, withNaN, 0.0);
        assertArrayEquals(withZero, withHuge, 0.0);
        double[] gx = new double[3];
        cell.vjp(new double[] {0.3, Double.NaN, -1.2}, mask, h, new double[] {1, 1, 1, 1, 1}, gx, null,
                cell.parameters().newGradient(), 1);
        assertEquals(0.0, gx[1]);
        assertTrue(Double.isFinite(gx[0]) && Double.isFinite(gx[2]) && gx[0] != 0.0);
    }

    @Test
    void maskedCellWithSilentMaskColumnsIsThePlainCellOnObservedData() {
        int in = 4;
        int hs = 6;
        GruCell plain = GruCell.create(in, hs, false, 14);
        Parameters.Builder layout = Parameters.builder();
        GruCell.declare(layout, "gru", in, hs, true);
        Parameters p = layout.build();
        GruCell masked = new GruCell(p, "gru", in, hs, true);
        double[] q = plain.parameters().values();
        Parameters pp = plain.parameters();
        for (int row = 0; row < 3 * hs; row++) {
            // data columns copied, mask columns left zero
            System.arraycopy(q, pp.offset("gru.weight_ih") + row * in, p.values(), p.offset("gru.weight_ih") + row * 2 * in,
                    in);
        }
        for (String name : new String[] {"weight_hh", "bias_ih", "bias_hh"}) {
            Parameters.Slice s = pp.slice("gru." + name);
            System.arraycopy(q, s.offset(), p.values(), p.offset("gru." + name), s.size());
        }
        p.markChanged();
        Random random = new Random(15);
        double[] x = FiniteDifferences.gaussian(random, 2 * in, 1.0);
        double[] h = FiniteDifferences.gaussian(random, 2 * hs, 0.5);
        double[] ones = new double[2 * in];
        Arrays.fill(ones, 1.0);
        double[] fromPlain = new double[2 * hs];
        double[] fromMasked = new double[2 * hs];
        plain.forward(x, h, fromPlain, 2);
        masked.forward(x, ones, h, fromMasked, 2);
        assertArrayEquals(fromPlain, fromMasked, 0.0);
    }

    @Test
    void aRowGivesTheSameBitsAloneAndInsideABatch() {
        int in = 3;
        int hs = 8;
        int rows = 9;
        GruCell cell = GruCell.create(in, hs, true, 16);
        Random random = new Random(17);
        double[] x = FiniteDifferences.gaussian(random, rows * in, 1.0);
        double[] mask = randomMask(random, rows, in);
        double[] h = FiniteDifferences.gaussian(random, rows * hs, 0.5);
        double[] a = FiniteDifferences.gaussian(random, rows * hs, 1.0);
        double[] hNew = new double[rows * hs];
        double[] gx = new double[rows * in];
        double[] gh = new double[rows * hs];
        cell.forward(x, mask, h, hNew, rows);
        cell.vjp(x, mask, h, a, gx, gh, cell.parameters().newGradient(), rows);
        for (int r = 0; r < rows; r++) {
            double[] hr = new double[hs];
            double[] gxr = new double[in];
            double[] ghr = new double[hs];
            double[] xr = Arrays.copyOfRange(x, r * in, (r + 1) * in);
            double[] mr = Arrays.copyOfRange(mask, r * in, (r + 1) * in);
            double[] h0 = Arrays.copyOfRange(h, r * hs, (r + 1) * hs);
            cell.forward(xr, mr, h0, hr, 1);
            cell.vjp(xr, mr, h0, Arrays.copyOfRange(a, r * hs, (r + 1) * hs), gxr, ghr,
                    cell.parameters().newGradient(), 1);
            assertArrayEquals(Arrays.copyOfRange(hNew, r * hs, (r + 1) * hs), hr, 0.0, "row " + r);
            assertArrayEquals(Arrays.copyOfRange(gx, r * in, (r + 1) * in), gxr, 0.0, "gx row " + r);
            assertArrayEquals(Arrays.copyOfRange(gh, r * hs, (r + 1) * hs), ghr, 0.0, "gh row " + r);
        }
    }

    @Test
    void parameterCotangentsAccumulate() {
        GruCell cell = GruCell.create(2, 3, false, 18);
        Random random = new Random(19);
        double[] x = FiniteDifferences.gaussian(random, 4, 1.0);
        double[] h = FiniteDifferences.gaussian(random, 6, 0.5);
        double[] a = FiniteDifferences.gaussian(random, 6, 1.0);
        double[] once = cell.parameters().newGradient();
        cell.vjp(x, h, a, null, null, once, 2);
        double[] twice = cell.parameters().newGradient();
        cell.vjp(x, h, a, null, null, twice, 2);
        cell.vjp(x, h, a, null, null, twice, 2);
        for (int k = 0; k < once.length; k++) {
            assertEquals(2 * once[k], twice[k], 1e-14 * Math.abs(once[k]), "gTheta[" + k + "]");
        }
    }

    @Test
    void parametersAreNamedAndShapedLikeTorch() {
        GruCell plain = GruCell.create(4, 16, false, 0);
        assertEquals("[gru.weight_ih[48, 4]@0, gru.weight_hh[48, 16]@192, gru.bias_ih[48]@960, gru.bias_hh[48]@1008]",
                plain.parameters().slices().toString());
        GruCell masked = GruCell.create(4, 16, true, 0);
        assertArrayEquals(new int[] {48, 8}, masked.parameters().slice("gru.weight_ih").shape());
    }

    @Test
    void badMasksAndWrongOverloadsAreRejectedWithAClearMessage() {
        GruCell masked = GruCell.create(2, 3, true, 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> masked.forward(new double[] {1, 2}, new double[] {1, 0.5}, new double[3], new double[3], 1));
        assertTrue(e.getMessage().contains("channel 1") && e.getMessage().contains("0.5"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> masked.forward(new double[2], new double[3], new double[3], 1));
        GruCell plain = GruCell.create(2, 3, false, 21);
        assertThrows(IllegalStateException.class,
                () -> plain.forward(new double[2], new double[2], new double[3], new double[3], 1));
    }

    /** Random 0/1 mask with at least one observed and, when there is room, one missing channel. */
    static double[] randomMask(Random random, int rows, int in) {
        double[] mask = new double[rows * in];
        for (int k = 0; k < mask.length; k++) {
            mask[k] = random.nextInt(3) == 0 ? 0.0 : 1.0;
        }
        mask[0] = 1.0;
        if (mask.length > 1) {
            mask[mask.length - 1] = 0.0;
        }
        return mask;
    }
}
