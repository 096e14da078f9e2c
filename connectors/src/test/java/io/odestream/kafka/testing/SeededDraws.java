package io.odestream.kafka.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.function.Executable;

/**
 * Draws for seeded randomized property tests (JUnit 5): every value comes from one
 * {@link SplittableRandom} with a fixed seed, so a failing try is reproduced by its seed alone.
 * Module-specific generators build their adversarial records from these few primitives.
 */
public final class SeededDraws {
    /** Fixed, so every run checks the same tries and a reported seed replays its failure. */
    private static final long FIRST_SEED = 0x0DE5_7EA3L;
    /** Longest rendering of a generated input in a failure message (ids can be 100 000 chars). */
    private static final int SHOWN_CHARS = 600;

    private final SplittableRandom random;

    public SeededDraws(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** {@code n} fixed seeds, one per try; a {@code @MethodSource} for {@code @ParameterizedTest}. */
    public static LongStream seeds(int n) {
        return LongStream.range(0, n).map(i -> FIRST_SEED + i * 0x9E37_79B9_7F4A_7C15L);
    }

    /**
     * Runs one try; a failure is rethrown naming the seed and the generated input, so that it can
     * be replayed with {@code new SeededDraws(seed)}.
     */
    public static void reproducibly(long seed, Object input, Executable body) throws Exception {
        try {
            body.execute();
        } catch (Throwable e) {
            throw new AssertionError("seed " + seed + " (replay with new SeededDraws(" + seed + "L)), input "
                    + shown(input) + ": " + e.getMessage(), e);
        }
    }

    /** The input's text, cut to a readable length with the cut said. */
    public static String shown(Object input) {
        String s = input instanceof byte[] b ? java.util.Arrays.toString(b) : String.valueOf(input);
        return s.length() <= SHOWN_CHARS ? s : s.substring(0, SHOWN_CHARS) + "…(" + s.length() + " chars)";
    }

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** An index in [0, weights.length), each drawn in proportion to its weight. */
    public int weighted(int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** One of the given values, uniformly (edge values are listed this way). */
    @SafeVarargs
    public final <T> T pick(T... values) {
        return values[random.nextInt(values.length)];
    }

    /** One of the given suppliers' values, each alternative equally likely. */
    @SafeVarargs
    public final <T> T oneOf(Supplier<? extends T>... alternatives) {
        return alternatives[random.nextInt(alternatives.length)].get();
    }

    /** In [from, to], both included. */
    public int between(int from, int to) {
        return random.nextInt(from, to + 1);
    }

    /** In [from, to], both included. */
    public long between(long from, long to) {
        return to == Long.MAX_VALUE ? random.nextLong(from - 1, to) + 1 : random.nextLong(from, to + 1);
    }

    /** Any long, all 64 bits random. */
    public long anyLong() {
        return random.nextLong();
    }

    /** Any bit pattern as a double: NaNs, infinities, subnormals and ±0 included. */
    public double anyDouble() {
        return Double.longBitsToDouble(random.nextLong());
    }

    /** In [from, to). */
    public double between(double from, double to) {
        return random.nextDouble(from, to);
    }

    /** Up to {@code maxLength} chars: mostly printable ASCII, some whitespace, some from all of UTF-16. */
    public String string(int maxLength) {
        int n = between(0, maxLength);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = switch (weighted(6, 1, 3)) {
                case 0 -> (char) between(0x20, 0x7e);
                case 1 -> pick(' ', '\t', '\n', '\u00a0', '\u2028');
                default -> (char) between(0, 0xffff); // lone surrogates and controls too
            };
            s.append(c);
        }
        return s.toString();
    }

    /** Up to {@code maxLength} random bytes. */
    public byte[] bytes(int maxLength) {
        byte[] b = new byte[between(0, maxLength)];
        random.nextBytes(b);
        return b;
    }

    /** Between {@code min} and {@code max} items, each drawn by {@code item} (nulls kept). */
    public <T> List<T> list(int min, int max, Supplier<T> item) {
        int n = between(min, max);
        List<T> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(item.get());
        }
        return items;
    }
}
