package io.odestream.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Locale;

/**
 * Where the djl backend computes: {@code cpu} or {@code gpu[:index]} (index 0 when omitted), chosen
 * by a configuration string, and the one-time set-up of the PyTorch engine behind it.
 *
 * <p><b>Why the settings are system properties set before the engine loads.</b> DJL reads them
 * exactly once, when {@link Engine#getInstance()} first loads PyTorch, and they cannot be changed
 * afterwards in the same JVM:
 * <ul>
 *   <li>{@code ai.djl.offline=true}: never download anything at run time; the CPU natives come from
 *       the Maven artifact {@code ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64} on the class
 *       path, unpacked once into {@code DJL_CACHE_DIR}. CUDA natives are not served by the Maven
 *       repository we can reach, so a GPU machine points {@code PYTORCH_LIBRARY_PATH} at a CUDA
 *       libtorch 2.7.1 (the cu128 JNI glue is in pytorch-jni already; see scripts/gpu-check.sh);</li>
 *   <li>{@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR}: pin the natives to the jar we ship, so
 *       that a CUDA driver on the machine does not make DJL look for CUDA natives that are absent
 *       ({@code cpu} for device {@code cpu}, {@code cu128} for {@code gpu});</li>
 *   <li>{@code ai.djl.pytorch.num_threads=1}, {@code ai.djl.pytorch.num_interop_threads=1}:
 *       PyTorch sets its intra-op pool size at start-up and its inter-op pool size only before the
 *       first parallel op. Streaming jobs run one operator instance per slot and per core; a thread
 *       pool per instance oversubscribes the cores, and measured here small ops became 5–50× slower
 *       with default threading on 2 cores.</li>
 * </ul>
 * Values already set (by {@code -D} or the build, see ode-djl's pom) are kept; environment
 * variables of the same names take precedence in DJL as usual. {@code DJL_CACHE_DIR} is not set
 * here: DJL's default ({@code ~/.djl.ai}) is outside any build folder already.
 *
 * <p>Because the engine is one per JVM, the first device created decides the flavour: a JVM that
 * wants a GPU must ask for it first.
 */
public final class DjlDevice {
    /** System property naming the device for tests and tools; {@code cpu} when unset. */
    public static final String DEVICE_PROPERTY = "odestream.djl.device";
    static final String PYTORCH_VERSION = "2.7.1";
    /** The CUDA flavour whose JNI library ships in pytorch-jni 2.7.1-0.36.0. */
    static final String CUDA_FLAVOR = "cu128";

    private static final Object ENGINE_LOCK = new Object();
    private static volatile Engine engine;

    private final String config;
    private final Device device;

    private DjlDevice(String config, Device device) {
        this.config = config;
        this.device = device;
    }

    /** The CPU. */
    public static DjlDevice cpu() {
        return parse("cpu");
    }

    /** The device named by system property {@value #DEVICE_PROPERTY}, or the CPU when it is unset. */
    public static DjlDevice fromSystemProperty() {
        return parse(System.getProperty(DEVICE_PROPERTY, "cpu"));
    }

    /**
     * {@code cpu}, {@code gpu} or {@code gpu:N}. Loads the engine on first use.
     *
     * @throws IllegalArgumentException   when the string is none of these
     * @throws DeviceUnavailableException when a GPU is asked for and the engine sees none (or too few)
     */
    public static DjlDevice parse(String config) {
        if (config == null) {
            throw new IllegalArgumentException("device configuration is null; use \"cpu\" or \"gpu[:index]\"");
        }
        String s = config.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            engine(false);
            return new DjlDevice("cpu", Device.cpu());
        }
        if (s.equals("gpu") || s.startsWith("gpu:")) {
            int index = 0;
            if (s.length() > 3) {
                try {
                    index = Integer.parseInt(s.substring(4));
                } catch (NumberFormatException e) {
                    index = -1;
                }
                if (index < 0) {
                    throw new IllegalArgumentException("device '" + config + "': the GPU index must be a number >= 0, "
                            + "e.g. \"gpu:0\"");
                }
            }
            Engine e = engine(true);
            int gpus = e.getGpuCount();
            if (index >= gpus) {
                throw new DeviceUnavailableException("device '" + config + "' asked for GPU " + index + " but the "
                        + e.getEngineName() + " engine " + e.getVersion() + " sees " + gpus + " GPU(s) (flavour "
                        + System.getProperty("PYTORCH_FLAVOR", System.getenv("PYTORCH_FLAVOR")) + "). Use device "
                        + "\"cpu\", or point PYTORCH_LIBRARY_PATH at a CUDA build of libtorch " + PYTORCH_VERSION
                        + " (" + CUDA_FLAVOR + "), with an NVIDIA driver for CUDA 12.8, in a JVM whose first device is "
                        + "a GPU (see scripts/gpu-check.sh).");
            }
            return new DjlDevice("gpu:" + index, Device.gpu(index));
        }
        throw new IllegalArgumentException("unknown device '" + config + "'; use \"cpu\", \"gpu\" or \"gpu:<index>\"");
    }

    /** The DJL device. */
    public Device device() {
        return device;
    }

    public boolean isGpu() {
        return device.isGpu();
    }

    /** A new root manager on this device; the caller closes it (it closes every array it owns). */
    public NDManager newManager() {
        return NDManager.newBaseManager(device);
    }

    @Override
    public String toString() {
        return config;
    }

    /** The PyTorch engine, loaded once with the settings of the class comment. */
    static Engine engine(boolean wantGpu) {
        Engine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (ENGINE_LOCK) {
            if (engine == null) {
                setIfAbsent("ai.djl.offline", "true");
                setIfAbsent("PYTORCH_VERSION", PYTORCH_VERSION);
                setIfAbsent("PYTORCH_FLAVOR", wantGpu ? CUDA_FLAVOR : "cpu");
                setIfAbsent("ai.djl.pytorch.num_threads", "1");
                setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
                engine = Engine.getEngine("PyTorch");
            }
            return engine;
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
