package io.odestream.nn;

/**
 * Whether this JVM runs the MLP kernels on the Vector API ({@link VectorApiMlp}). It does when the
 * incubator module {@code jdk.incubator.vector} is in the boot layer (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; the {@code odestream} launcher, the build's tests
 * and the benchmarks do) and the system property {@value #PROPERTY} is not {@code false}.
 * Otherwise the plain loops run: the same outputs to the bit, 3–4× slower on a batch (bench/README.md).
 * The choice is made when an {@link Mlp} is built.
 *
 * <p>A second property, {@value FieldPrecision#PROPERTY} = {@code float64} (the default) | {@code float32},
 * chooses the arithmetic of the Vector API kernel's forward passes ({@link FieldPrecision}: float32 is a
 * serving option, the VJPs stay double); the plain loops ignore it. {@link #describe()} says both.
 */
public final class VectorKernels {
    /** Set to {@code false} to run the plain loops although the module is present (benchmark baselines). */
    public static final String PROPERTY = "odestream.vectorApi";
    private static final boolean MODULE_PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static volatile boolean reported;

    private VectorKernels() {
    }

    /** True when MLPs built now use the Vector API kernel (for the shapes it supports). */
    public static boolean enabled() {
        boolean enabled = MODULE_PRESENT && !"false".equalsIgnoreCase(System.getProperty(PROPERTY));
        if (!reported) {
            reported = true;
            // said out loud: a JVM without the module runs 3–4× slower, and float32 changes the served numbers
            boolean loud = !MODULE_PRESENT || System.getProperty(FieldPrecision.PROPERTY) != null;
            System.getLogger(VectorKernels.class.getName()).log(
                    loud ? System.Logger.Level.INFO : System.Logger.Level.DEBUG, describe(enabled));
        }
        return enabled;
    }

    /** One line for logs and benchmark reports: which kernels run, and why. */
    public static String describe() {
        return describe(MODULE_PRESENT && !"false".equalsIgnoreCase(System.getProperty(PROPERTY)));
    }

    private static String describe(boolean enabled) {
        String precision = System.getProperty(FieldPrecision.PROPERTY);
        FieldPrecision asked;
        try {
            asked = FieldPrecision.parse(precision);
        } catch (IllegalArgumentException e) {
            return "MLP kernels: none can be built: " + e.getMessage();
        }
        if (enabled) {
            return asked == FieldPrecision.FLOAT32
                    ? "MLP kernels: Vector API, forward passes in float32 (" + FieldPrecision.PROPERTY + "=float32, "
                            + FloatVectorApiMlp.lanes() + " floats a vector; VJPs in double, "
                            + VectorApiMlp.lanes() + " doubles a vector)"
                    : "MLP kernels: Vector API (" + VectorApiMlp.lanes() + " doubles a vector)";
        }
        String ignored = asked == FieldPrecision.FLOAT32
                ? "; " + FieldPrecision.PROPERTY + "=float32 is ignored: it needs the Vector API" : "";
        return MODULE_PRESENT ? "MLP kernels: plain loops (" + PROPERTY + "=false" + ignored + ")"
                : "MLP kernels: plain loops (start the JVM with --add-modules jdk.incubator.vector for the "
                        + "Vector API kernels: the same results, 3–4× faster on a batch" + ignored + ")";
    }
}
