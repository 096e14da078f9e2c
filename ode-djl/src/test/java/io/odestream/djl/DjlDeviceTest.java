package io.odestream.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DjlDeviceTest {

    @Test
    void cpuLoadsTheEngineOfflineWithOneThreadEach() {
        DjlDevice cpu = DjlDevice.parse(" CPU ");
        assertFalse(cpu.isGpu());
        assertEquals("cpu", cpu.toString());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("1", System.getProperty("ai.djl.pytorch.num_threads"));
        assertEquals("1", System.getProperty("ai.djl.pytorch.num_interop_threads"));
        assertEquals("2.7.1", Engine.getEngine("PyTorch").getVersion());
        try (NDManager m = cpu.newManager()) {
            assertEquals(6.0, m.create(new double[] {1, 2, 3}).sum().getDouble(), 0.0);
        }
    }

    @Test
    void rejectsMalformedConfigurationNamingIt() {
        for (String bad : new String[] {"tpu", "gpu:", "gpu:-1", "gpu:one", "", "cpu:0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DjlDevice.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DjlDevice.parse(null));
    }

    @Test
    void aMissingGpuIsAClearErrorNotAFallback() {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "this machine has a GPU");
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> DjlDevice.parse("gpu"));
        assertTrue(e.getMessage().contains("sees 0 GPU(s)"), e.getMessage());
        assertTrue(e.getMessage().contains("PYTORCH_LIBRARY_PATH"), e.getMessage());
    }

    @Test
    void aGpuIndexBeyondTheLastIsRefused() {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> DjlDevice.parse("gpu:" + gpus));
        assertTrue(e.getMessage().contains("GPU " + gpus), e.getMessage());
    }
}
