package io.odestream.eval.ecg;

/**
 * WFDB signal format 212: 12-bit two's-complement samples, two packed in three bytes
 * ({@code v0 = b0 | (b1 & 0x0F) << 8}, {@code v1 = b2 | (b1 & 0xF0) << 4}), the signals' samples
 * interleaved frame by frame (WFDB's signal(5) manual page).
 */
public final class Format212 {
    private Format212() {
    }

    /** The samples of each signal, in ADC units: {@code [signal][sample]}. */
    public static int[][] decode(byte[] bytes, int signals) {
        if (signals < 1) {
            throw new IllegalArgumentException("signals must be >= 1, got " + signals);
        }
        long values = bytes.length / 3 * 2L;
        int frames = (int) (values / signals);
        int[][] out = new int[signals][frames];
        int v = 0;
        for (int i = 0; i + 2 < bytes.length && v < frames * signals; i += 3) {
            int b0 = bytes[i] & 0xFF;
            int b1 = bytes[i + 1] & 0xFF;
            int b2 = bytes[i + 2] & 0xFF;
            v = put(out, signals, v, twelveBit(b0 | (b1 & 0x0F) << 8));
            if (v < frames * signals) {
                v = put(out, signals, v, twelveBit(b2 | (b1 & 0xF0) << 4));
            }
        }
        return out;
    }

    private static int put(int[][] out, int signals, int v, int value) {
        out[v % signals][v / signals] = value;
        return v + 1;
    }

    /** Sign-extends a 12-bit two's-complement value. */
    private static int twelveBit(int raw) {
        return raw >= 0x800 ? raw - 0x1000 : raw;
    }
}
