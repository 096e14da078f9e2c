package io.odestream.flow;

import static io.odestream.flow.CnfFieldVjpTest.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The field's evaluation and VJP — what every solver stage of a flow's forward and adjoint solve
 * calls — allocate nothing: the scratch vectors are the field's own. Counted with the thread's
 * allocation counter after enough calls for the JIT to compile the loops.
 */
class CnfFieldAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @ParameterizedTest
    @EnumSource(TraceMode.class)
    void evaluationAndVjpAllocateNothingPerCall(TraceMode mode) {
        int d = 4;
        int c = 2;
        int h = 16;
        int rows = 8;
        Random random = new Random(4);
        CnfField field = new CnfField(d, c, h, mode, gaussian(random, CnfField.parameterCount(d, c, h), 0.5));
        int width = field.dimension();
        double[] t = gaussian(random, rows, 1.0);
        double[] y = gaussian(random, rows * width, 1.0);
        double[] a = gaussian(random, rows * width, 1.0);
        double[] dy = new double[rows * width];
        double[] ay = new double[rows * width];
        double[] aTheta = new double[field.parameterCount()];
        Runnable call = () -> {
            field.evaluate(t, y, dy, rows);
            field.vjp(t, y, a, ay, aTheta, rows);
        };
        for (int i = 0; i < 20_000; i++) {
            call.run();
        }
        long thread = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 5_000; i++) {
            call.run();
        }
        assertEquals(0, THREADS.getThreadAllocatedBytes(thread) - before, "bytes allocated by 5 000 calls");
    }
}
