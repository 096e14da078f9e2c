package io.odestream.finetune;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The windows a fine-tuning round trains and validates on, collected from a stream of windows of
 * many series so that hot keys do not dominate: at most {@code perSeriesCap} windows per series,
 * at most {@code capacity} training windows in all, shared out evenly between series when full,
 * uniform within a series (see {@link BalancedSample}).
 *
 * <p>A share {@code heldOutFraction} of the windows is held out for validation, chosen by a hash of
 * (series id, window start, seed), not by arrival: the same window is held out whatever the order
 * or the round it arrives in, so the candidate and the serving model are compared on windows that
 * neither trained on. (Windows that overlap, cut with a stride below their length, share
 * observations across the split: cut disjoint windows where the check must be strict.) Held-out
 * windows are sampled the same way into their own {@code heldOutCapacity}. Deterministic for a
 * seed and an arrival order; the windows come out by series id and start time, so when nothing is
 * sampled away a round sees the same lists however the series' arrivals interleaved. Not
 * thread-safe (one trainer owns it).
 */
public final class WindowReservoir {

    /**
     * @param capacity        training windows kept at most, >= 1
     * @param perSeriesCap    windows kept per series at most (training and held-out each), >= 1
     * @param heldOutCapacity held-out windows kept at most, >= 1
     * @param heldOutFraction share of windows held out, in (0, 1)
     * @param seed            the sampling and the held-out split
     */
    public record Config(int capacity, int perSeriesCap, int heldOutCapacity, double heldOutFraction, long seed) {
        public Config {
            if (capacity < 1 || perSeriesCap < 1 || heldOutCapacity < 1) {
                throw new IllegalArgumentException("capacity, perSeriesCap and heldOutCapacity must be >= 1, got "
                        + capacity + ", " + perSeriesCap + ", " + heldOutCapacity);
            }
            if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
                throw new IllegalArgumentException("heldOutFraction must be in (0, 1) (e.g. 0.2), got "
                        + heldOutFraction);
            }
        }
    }

    private final Config config;
    private final BalancedSample training;
    private final BalancedSample heldOut;
    private final Set<String> series = new HashSet<>();
    private long windowsOffered;
    private long fromMillis = Long.MAX_VALUE;
    private long toMillis = Long.MIN_VALUE;

    public WindowReservoir(Config config) {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        this.config = config;
        SplittableRandom root = new SplittableRandom(config.seed());
        this.training = new BalancedSample(config.capacity(), config.perSeriesCap(), root.split());
        this.heldOut = new BalancedSample(config.heldOutCapacity(), config.perSeriesCap(), root.split());
    }

    /** Offers a window; whether it was kept (in the training or the held-out part). */
    public boolean offer(TrainingWindow window) {
        if (window == null) {
            throw new IllegalArgumentException("window is required");
        }
        windowsOffered++;
        series.add(window.seriesId());
        fromMillis = Math.min(fromMillis, window.startMillis());
        toMillis = Math.max(toMillis, window.endMillis());
        return isHeldOut(window.seriesId(), window.startMillis(), config.heldOutFraction(), config.seed())
                ? heldOut.offer(window) : training.offer(window);
    }

    /**
     * Whether the window of {@code seriesId} starting at {@code startMillis} is held out: a
     * SplitMix64 hash of the id's {@link String#hashCode} (specified by the JDK, so the same on every
     * machine), the start and the seed, as a uniform number in [0, 1), below {@code fraction}.
     */
    public static boolean isHeldOut(String seriesId, long startMillis, double fraction, long seed) {
        long h = mix(seed ^ mix(seriesId.hashCode() * 0x9E3779B97F4A7C15L + startMillis));
        return (h >>> 11) * 0x1.0p-53 < fraction;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The training windows kept now, grouped by series in the order series first arrived. */
    public List<TrainingWindow> trainingWindows() {
        return training.windows();
    }

    /** The held-out windows kept now, grouped by series. */
    public List<TrainingWindow> heldOutWindows() {
        return heldOut.windows();
    }

    public int trainingSize() {
        return training.size();
    }

    public int heldOutSize() {
        return heldOut.size();
    }

    /** Training and held-out windows kept of one series. */
    public int keptOf(String seriesId) {
        return training.keptOf(seriesId) + heldOut.keptOf(seriesId);
    }

    /** Windows offered since the start or the last {@link #clear()}. */
    public long windowsOffered() {
        return windowsOffered;
    }

    /** Distinct series that offered windows since the start or the last {@link #clear()}. */
    public int seriesOffered() {
        return series.size();
    }

    /** Earliest window start offered (epoch ms); Long.MAX_VALUE when none. */
    public long fromMillis() {
        return fromMillis;
    }

    /** Latest window end offered (epoch ms); Long.MIN_VALUE when none. */
    public long toMillis() {
        return toMillis;
    }

    public Config config() {
        return config;
    }

    /**
     * Forgets every window (after a round, so the next one trains and validates on recent data);
     * the held-out split stays the same, the random streams go on.
     */
    public void clear() {
        training.clear();
        heldOut.clear();
        series.clear();
        windowsOffered = 0;
        fromMillis = Long.MAX_VALUE;
        toMillis = Long.MIN_VALUE;
    }
}
