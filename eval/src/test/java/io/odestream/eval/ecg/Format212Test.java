package io.odestream.eval.ecg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Format 212 against an independent decoding: the first 80 samples of MIT-BIH record 100, both read
 * from this module's test resources (copies; where they come from: ecg/README.md there), including the
 * first R-peak.
 */
class Format212Test {

    @Test
    void decodesRecord100LikeTheReferenceDecoding() throws Exception {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/ecg/100_first80.dat")) {
            bytes = in.readAllBytes();
        }
        List<String> csv;
        try (InputStream in = getClass().getResourceAsStream("/ecg/100_first80.csv")) {
            csv = List.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"));
        }
        int[][] decoded = Format212.decode(bytes, 2);
        int[] mlii = new int[80];
        int[] v5 = new int[80];
        for (int i = 0; i < 80; i++) {
            String[] cells = csv.get(i + 1).trim().split(",");
            mlii[i] = Integer.parseInt(cells[2]);
            v5[i] = Integer.parseInt(cells[3]);
        }
        assertArrayEquals(mlii, decoded[0], "MLII");
        assertArrayEquals(v5, decoded[1], "V5");
        assertEquals(995, decoded[0][0], "the header's initial value of MLII");
        assertEquals(1011, decoded[1][0], "the header's initial value of V5");
    }

    @Test
    void negativeTwelveBitValuesAreSignExtended() {
        // 0xFFF and 0x800 packed as one pair: b0 = 0xFF, b1 = (0x8 << 4) | 0xF, b2 = 0x00.
        int[][] decoded = Format212.decode(new byte[] {(byte) 0xFF, (byte) 0x8F, 0x00}, 1);
        assertArrayEquals(new int[] {-1, -2048}, decoded[0]);
    }
}
