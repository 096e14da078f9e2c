package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forward and VJP allocate nothing once warmed up: scratch buffers are sized on the first call
 * for a batch size and reused, smaller batches reuse them too.
 *
 * <p>Measured with the thread's allocation counter over many calls, after enough calls for C2 to
 * compile the loops (interpreted or C1 code allocates nothing here either, but a deoptimisation
 * could). The counter call itself allocates nothing on HotSpot, so the expected count is exactly
 * zero.
 */
class AllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;
    private int warmUp = WARM_UP;
    private int measured = MEASURED;

    /** 8 rows take the row kernels, 200 the feature-major block kernels (two blocks, one partial). */
    @ParameterizedTest
    @ValueSource(ints = {8, 200})
    void mlpForwardAndVjpAllocateNothingPerCall(int rows) {
        Mlp mlp = Mlp.create(MlpSpec.of(Activation.TANH, Activation.IDENTITY, 16, 64, 16), 1);
        // big batches make the loops hot in fewer calls; keep the test short
        warmUp = Math.max(1_000, WARM_UP * 8 / rows);
        measured = Math.max(500, MEASURED * 8 / rows);
        Random random = new Random(2);
        double[] x = FiniteDifferences.gaussian(random, rows * 16, 1.0);
        double[] a = FiniteDifferences.gaussian(random, rows * 16, 1.0);
        double[] y = new double[rows * 16];
        double[] gx = new double[rows * 16];
        double[] gTheta = mlp.parameters().newGradient();
        Runnable call = () -> {
            mlp.forward(x, y, rows);
            mlp.vjp(x, a, gx, gTheta, rows);
            mlp.forward(x, y, 3); // a smaller batch reuses the same buffers
        };
        assertEquals(0, allocatedOverManyCalls(call), "bytes allocated by " + measured + " Mlp forward + VJP calls");
    }

    /** The float32 forward pass (the serving option): 13 rows (two padded blocks), then 1 and 40. */
    @Test
    void float32ForwardAllocatesNothingPerCall() {
        MlpSpec spec = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 6, 32, 6);
        Parameters.Builder layout = Parameters.builder();
        Mlp.declare(layout, "mlp", spec);
        Mlp mlp = new Mlp(spec, layout.build(), "mlp", true, FieldPrecision.FLOAT32);
        mlp.initialise(new Random(1));
        mlp.parameters().markChanged();
        double[] x = FiniteDifferences.gaussian(new Random(2), 40 * 6, 1.0);
        double[] y = new double[40 * 6];
        mlp.forward(x, y, 40); // the buffers' size
        Runnable call = () -> {
            mlp.forward(x, y, 13);
            mlp.forward(x, y, 1);
        };
        assertEquals(FieldPrecision.FLOAT32, mlp.forwardPrecision());
        assertEquals(0, allocatedOverManyCalls(call), "bytes allocated by " + measured + " float32 forward calls");
    }

    @Test
    void gruCellForwardAndVjpAllocateNothingPerCall() {
        GruCell cell = GruCell.create(4, 16, true, 3);
        int rows = 8;
        Random random = new Random(4);
        double[] x = FiniteDifferences.gaussian(random, rows * 4, 1.0);
        double[] mask = GruCellTest.randomMask(random, rows, 4);
        double[] h = FiniteDifferences.gaussian(random, rows * 16, 0.5);
        double[] a = FiniteDifferences.gaussian(random, rows * 16, 1.0);
        double[] hNew = new double[rows * 16];
        double[] gx = new double[rows * 4];
        double[] gh = new double[rows * 16];
        double[] gTheta = cell.parameters().newGradient();
        Runnable call = () -> {
            cell.forward(x, mask, h, hNew, rows);
            cell.vjp(x, mask, h, a, gx, gh, gTheta, rows);
        };
        assertEquals(0, allocatedOverManyCalls(call), "bytes allocated by " + MEASURED + " GruCell forward + VJP calls");
    }

    @Test
    void neuralVectorFieldEvaluateAndVjpAllocateNothingPerCall() {
        NeuralVectorField f = NeuralVectorField.create(16, new int[] {64}, Activation.TANH, Activation.IDENTITY, true, 5);
        int rows = 4;
        Random random = new Random(6);
        double[] t = FiniteDifferences.gaussian(random, rows, 1.0);
        double[] z = FiniteDifferences.gaussian(random, rows * 16, 1.0);
        double[] a = FiniteDifferences.gaussian(random, rows * 16, 1.0);
        double[] dz = new double[rows * 16];
        double[] az = new double[rows * 16];
        double[] at = new double[rows];
        double[] aTheta = new double[f.parameterCount()];
        double[] aThetaRows = new double[rows * f.parameterCount()];
        Runnable call = () -> {
            f.evaluate(t, z, dz, rows);
            f.vjp(t, z, a, az, at, aTheta, rows);
            f.vjpPerRow(t, z, a, az, aThetaRows, rows);
        };
        assertEquals(0, allocatedOverManyCalls(call),
                "bytes allocated by " + MEASURED + " NeuralVectorField evaluate + VJP + per-row VJP calls");
    }

    /** Total bytes the thread allocated over the measured calls (not divided: one stray object fails). */
    private long allocatedOverManyCalls(Runnable call) {
        for (int i = 0; i < warmUp; i++) {
            call.run();
        }
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        for (int i = 0; i < measured; i++) {
            call.run();
        }
        long after = THREADS.getThreadAllocatedBytes(thread);
        return after - before;
    }
}
