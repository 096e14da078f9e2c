package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.TestModels;
import io.odestream.latent.ResidualScorer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flow scorer travels with the job as its file's bytes: they survive the Java serialisation
 * Flink ships operator settings with, the operator's scorer scores as the file's does, and a file
 * that is missing, corrupt or made for another channel count is refused with the reason.
 */
class ResidualFlowFileTest {
    private static byte[] bytes;

    @TempDir
    Path dir;

    @BeforeAll
    static void fit() {
        bytes = ResidualFlows.fittedBytes(3, 7);
    }

    @Test
    void theSettingsShipTheScorerBytesThroughJavaSerialisationAndTheOperatorScoresWithThem() throws Exception {
        Path file = Files.write(dir.resolve("flow.bin"), bytes);
        UpdaterSettings sent = UpdaterSettings.defaults("m", TestModels.VERIFIER)
                .withResidualFlow(ResidualFlowFile.read(file));
        Files.delete(file); // a TaskManager on another machine has no copy of the file

        UpdaterSettings received = roundTrip(sent);

        assertArrayEquals(bytes, received.residualFlow().bytes());
        assertEquals(3, received.residualFlow().channels());
        ResidualScorer original = ResidualFlowFile.of(bytes, "the original").newScorer();
        ResidualScorer shipped = received.residualFlow().newScorer();
        assertNotSame(shipped, received.residualFlow().newScorer(), "each operator builds a scorer of its own");
        for (double[] z : new double[][] {{0, 0, 0}, {2.5, -0.7, 0.1}, {-0.9, 4, 1}}) {
            double expected = original.negativeLogDensity(z, 1_000);
            assertTrue(Double.isFinite(expected), Arrays.toString(z));
            assertEquals(expected, shipped.negativeLogDensity(z, 1_000), 0.0, Arrays.toString(z));
        }
        // the skewed fit: a residual on the long right tail is less surprising than its mirror image
        assertTrue(shipped.negativeLogDensity(new double[] {2, 0, 0}, 1_000)
                < shipped.negativeLogDensity(new double[] {-2, 0, 0}, 1_000));
    }

    @Test
    void settingsWithoutAFlowScoreWithTheGaussianDensityAfterTheRoundTripToo() throws Exception {
        UpdaterSettings received = roundTrip(UpdaterSettings.defaults("m", TestModels.VERIFIER));
        assertNull(received.residualFlow());
    }

    @Test
    void aMissingFileIsRefusedNamingItAndHowToWriteOne() {
        Path missing = dir.resolve("nowhere.bin");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResidualFlowFile.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such scorer file")
                && e.getMessage().contains("eval cnf-demo --out"), e.getMessage());
    }

    @Test
    void aFileOfAnotherKindIsRefusedWithItsHeader() throws Exception {
        Path other = Files.writeString(dir.resolve("model.json"), "{\"modelType\": \"latent-ode\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResidualFlowFile.read(other));
        assertTrue(e.getMessage().contains(other.toString()) && e.getMessage().contains("not a usable residual flow"),
                e.getMessage());
    }

    @Test
    void aTruncatedFileIsRefusedSayingItEndsEarly() throws Exception {
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(bytes, bytes.length - 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResidualFlowFile.read(cut));
        assertTrue(e.getMessage().contains("not a complete residual flow scorer file"), e.getMessage());
    }

    @Test
    void bytesAfterTheScorerAreRefusedNotIgnored() throws Exception {
        Path longer = Files.write(dir.resolve("longer.bin"), Arrays.copyOf(bytes, bytes.length + 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResidualFlowFile.read(longer));
        assertTrue(e.getMessage().contains("3 bytes follow"), e.getMessage());
    }

    @Test
    void aFlowForAnotherChannelCountThanTheModelIsRefusedNamingBoth() {
        ResidualFlowFile flow = ResidualFlowFile.of(bytes, "flow");
        flow.requireChannels(3, "model 'm' version 1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> flow.requireChannels(2, "model 'm' version 1"));
        assertTrue(e.getMessage().contains("3 channels") && e.getMessage().contains("model 'm' version 1 has 2"),
                e.getMessage());
    }

    private static UpdaterSettings roundTrip(UpdaterSettings settings) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(out)) {
            o.writeObject(settings);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            return (UpdaterSettings) in.readObject();
        }
    }
}
