package io.odestream.demo;

import io.odestream.latent.LatentOdeTraining;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A seeded, multi-channel, irregularly sampled sensor stream with known ground truth and known
 * injected anomalies: the data of {@code odestream demo}, of its end-to-end test and of its benchmark.
 *
 * <p>Every series is a small machine seen through {@code channels} coupled sensors. Its noise-free
 * signal is a fast oscillation (period 15 s ± 20 %, amplitude 0.5–1.2) on top of a slow drift (a
 * period of about 10 minutes, amplitude 0.2–0.6), each with the series' own frequency, amplitude
 * and phase. The sensors are coupled: channel j sees both through the same fixed gain and phase lag
 * for every series (channel 1 is the oscillation in quadrature, like a velocity beside a
 * displacement; channel 2 lags by 3π/4 and sees the drift with the opposite sign), so one small
 * latent state explains all channels.
 *
 * <p>On top of the signal: event times of a Poisson process per series (exponential gaps with mean
 * {@link Config#meanGap}, at least 1 ms), each channel missing with {@link Config#missingProbability}
 * (never all of them: then one random channel is kept), Gaussian measurement noise of
 * {@link Config#noiseSigma}, and {@link Config#anomaliesPerSeries} anomalies per series after the
 * warm-up: a {@code spike} (1–3 consecutive events of one channel jump by 6–10 noise σ) or a
 * {@code level-shift} (5–10 consecutive events of one channel offset by the same amounts, then back).
 * The anomalous channel is always observed at the anomalous events, so every anomaly is visible.
 *
 * <p>Deterministic: the same {@link Config} gives the same stream, on any machine.
 */
public final class DemoStream {
    /** Kind of an anomaly: one to three consecutive events of one channel jump. */
    public static final String SPIKE = "spike";
    /** Kind of an anomaly: five to ten consecutive events of one channel offset, then back to normal. */
    public static final String LEVEL_SHIFT = "level-shift";

    // The modes: a fast oscillation and a slow drift. Base periods in seconds; a series draws its own within ±20 %.
    // (A third, intermediate mode made the model need several times the training budget for the same
    // forecast quality, so the demo keeps two.)
    private static final double[] MODE_PERIOD_SECONDS = {15, 600};
    private static final double FREQUENCY_SPREAD = 0.2;
    // Per-series amplitude range of each mode (data units).
    private static final double[][] MODE_AMPLITUDE = {{0.5, 1.2}, {0.2, 0.6}};
    // How each of the first three sensors sees each mode: gain and phase lag (fixed "physics", same for all series).
    private static final double[][] CHANNEL_GAIN = {{1.0, 1.0}, {0.8, 0.5}, {0.6, -0.8}};
    private static final double[][] CHANNEL_LAG = {{0, 0}, {Math.PI / 2, 0}, {3 * Math.PI / 4, 0}};
    private static final double MIN_JUMP_SIGMAS = 6;
    private static final double MAX_JUMP_SIGMAS = 10;
    // Events of normal behaviour kept around every anomaly, so the filter settles between two of them.
    private static final int ANOMALY_CLEARANCE_EVENTS = 30;
    private static final int MAX_ANOMALY_EVENTS = 10;

    /**
     * What to generate.
     *
     * @param series             number of series (ids {@code sensor-01}, {@code sensor-02}, …), ≥ 1
     * @param channels           sensors per series, ≥ 1 (the demo model has 3)
     * @param startMillis        epoch ms where the stream starts, > 0
     * @param span               event-time length of the stream
     * @param meanGap            mean time between two events of one series (Poisson process)
     * @param missingProbability chance that a channel is missing from an event, in [0, 1)
     * @param anomaliesPerSeries injected anomalies per series, ≥ 0
     * @param warmup             leading part of the stream without anomalies (the filter settles there)
     * @param noiseSigma         standard deviation of the Gaussian measurement noise, > 0
     * @param levelShiftShare    expected share of anomalies that are level shifts (the rest are spikes), in [0, 1]
     * @param seed               everything random
     */
    public record Config(int series, int channels, long startMillis, Duration span, Duration meanGap,
                         double missingProbability, int anomaliesPerSeries, Duration warmup, double noiseSigma,
                         double levelShiftShare, long seed) {
        public Config {
            require(series >= 1, "series must be >= 1, got " + series);
            require(channels >= 1, "channels must be >= 1, got " + channels);
            require(startMillis > 0, "startMillis must be > 0 (an epoch time in ms), got " + startMillis);
            require(span != null && span.toMillis() > 0, "span must be a positive duration, got " + span);
            require(meanGap != null && meanGap.toMillis() >= 1,
                    "meanGap must be at least 1 ms, got " + meanGap);
            require(meanGap.compareTo(span) < 0, "meanGap (" + meanGap + ") must be shorter than span (" + span
                    + "); lengthen the span or shorten the gap");
            require(missingProbability >= 0 && missingProbability < 1,
                    "missingProbability must be in [0, 1), got " + missingProbability);
            require(anomaliesPerSeries >= 0, "anomaliesPerSeries must be >= 0, got " + anomaliesPerSeries);
            require(warmup != null && !warmup.isNegative(), "warmup must be a duration >= 0, got " + warmup);
            require(warmup.compareTo(span) < 0, "warmup (" + warmup + ") must be shorter than span (" + span
                    + "); anomalies are placed after the warm-up");
            require(noiseSigma > 0 && Double.isFinite(noiseSigma), "noiseSigma must be a finite number > 0, got "
                    + noiseSigma);
            require(levelShiftShare >= 0 && levelShiftShare <= 1,
                    "levelShiftShare must be in [0, 1], got " + levelShiftShare);
        }

        /**
         * The demo's stream: 12 series of 3 channels over 10 minutes from 2024-01-01T00:00:00Z, one
         * event per second on average, 15 % missing, 3 anomalies per series after a 2-minute warm-up
         * (a quarter of them level shifts), noise σ 0.2, seed 20240101.
         */
        public static Config defaults() {
            return new Config(12, 3, Instant.parse("2024-01-01T00:00:00Z").toEpochMilli(), Duration.ofMinutes(10),
                    Duration.ofSeconds(1), 0.15, 3, Duration.ofMinutes(2), 0.2, 0.25, 20240101L);
        }

        public Config withSeries(int value) {
            return new Config(value, channels, startMillis, span, meanGap, missingProbability, anomaliesPerSeries,
                    warmup, noiseSigma, levelShiftShare, seed);
        }

        public Config withSpan(Duration value) {
            return new Config(series, channels, startMillis, value, meanGap, missingProbability, anomaliesPerSeries,
                    warmup, noiseSigma, levelShiftShare, seed);
        }

        public Config withAnomaliesPerSeries(int value) {
            return new Config(series, channels, startMillis, span, meanGap, missingProbability, value, warmup,
                    noiseSigma, levelShiftShare, seed);
        }

        public Config withWarmup(Duration value) {
            return new Config(series, channels, startMillis, span, meanGap, missingProbability, anomaliesPerSeries,
                    value, noiseSigma, levelShiftShare, seed);
        }

        public Config withSeed(long value) {
            return new Config(series, channels, startMillis, span, meanGap, missingProbability, anomaliesPerSeries,
                    warmup, noiseSigma, levelShiftShare, value);
        }

        public Config withMissingProbability(double value) {
            return new Config(series, channels, startMillis, span, meanGap, value, anomaliesPerSeries, warmup,
                    noiseSigma, levelShiftShare, seed);
        }

        public Config withNoiseSigma(double value) {
            return new Config(series, channels, startMillis, span, meanGap, missingProbability, anomaliesPerSeries,
                    warmup, value, levelShiftShare, seed);
        }

        public Config withLevelShiftShare(double value) {
            return new Config(series, channels, startMillis, span, meanGap, missingProbability, anomaliesPerSeries,
                    warmup, noiseSigma, value, seed);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException("DemoStream.Config: " + message);
            }
        }
    }

    /**
     * One injected anomaly: events of {@code seriesId} from {@code fromMillis} to {@code toMillis}
     * (inclusive; the first and last anomalous event) had {@code offset} added to {@code channel}.
     * A filter absorbs part of the jump, so the first normal events after it (most of all the return
     * from a level shift) can look surprising too: match alerts to anomalies with a few events' slack.
     *
     * @param kind   {@link #SPIKE} or {@link #LEVEL_SHIFT}
     * @param offset what was added to the channel, data units (6–10 noise σ, either sign)
     */
    public record InjectedAnomaly(String seriesId, long fromMillis, long toMillis, int channel, String kind,
                                  double offset) {
        /** Whether the event of {@code series} at {@code timeMillis} is one of this anomaly's. */
        public boolean covers(String series, long timeMillis) {
            return seriesId.equals(series) && timeMillis >= fromMillis && timeMillis <= toMillis;
        }
    }

    /** The noise-free signal of one series: its modes' amplitudes, angular frequencies (rad/s) and phases. */
    private record Signal(double[] amplitude, double[] omega, double[] phase) {
    }

    /**
     * One series as generated: event times, values (NaN = missing) and which value was made
     * anomalous, both flat [event × channels + channel] (a benchmark holds thousands of series).
     */
    private record GeneratedSeries(String id, Signal signal, long[] times, double[] values, boolean[] anomalous) {
    }

    private final Config config;
    private final List<String> channelNames;
    private final List<GeneratedSeries> series;
    private final Map<String, Integer> index;
    private final List<InjectedAnomaly> anomalies;
    private List<Observation> observations;

    private DemoStream(Config config, List<String> channelNames, List<GeneratedSeries> series,
                       List<InjectedAnomaly> anomalies) {
        this.config = config;
        this.channelNames = channelNames;
        this.series = series;
        this.anomalies = anomalies;
        this.index = new HashMap<>();
        for (int i = 0; i < series.size(); i++) {
            index.put(series.get(i).id(), i);
        }
    }

    /**
     * Generates the stream {@code config} describes.
     *
     * @throws IllegalArgumentException when a series has too few events after the warm-up for its
     *                                  anomalies (each needs about 40 events of room)
     */
    public static DemoStream generate(Config config) {
        List<String> names = channelNames(config.channels());
        SplittableRandom root = new SplittableRandom(config.seed());
        int width = Math.max(2, Integer.toString(config.series()).length());
        List<GeneratedSeries> all = new ArrayList<>(config.series());
        List<InjectedAnomaly> anomalies = new ArrayList<>();
        for (int s = 0; s < config.series(); s++) {
            // One independent stream per series: a series does not change when another one does.
            SplittableRandom random = root.split();
            String id = "sensor-" + String.format("%0" + width + "d", s + 1);
            all.add(generateSeries(id, config, random, anomalies));
        }
        anomalies.sort((a, b) -> a.fromMillis() != b.fromMillis() ? Long.compare(a.fromMillis(), b.fromMillis())
                : a.seriesId().compareTo(b.seriesId()));
        return new DemoStream(config, names, List.copyOf(all), List.copyOf(anomalies));
    }

    private static GeneratedSeries generateSeries(String id, Config config, SplittableRandom random,
                                                  List<InjectedAnomaly> anomalies) {
        int modes = MODE_PERIOD_SECONDS.length;
        double[] amplitude = new double[modes];
        double[] omega = new double[modes];
        double[] phase = new double[modes];
        for (int m = 0; m < modes; m++) {
            amplitude[m] = uniform(random, MODE_AMPLITUDE[m][0], MODE_AMPLITUDE[m][1]);
            double period = MODE_PERIOD_SECONDS[m] * uniform(random, 1 - FREQUENCY_SPREAD, 1 + FREQUENCY_SPREAD);
            omega[m] = 2 * Math.PI / period;
            phase[m] = uniform(random, 0, 2 * Math.PI);
        }
        Signal signal = new Signal(amplitude, omega, phase);

        long[] times = eventTimes(config, random);
        int c = config.channels();
        double[] values = new double[times.length * c];
        boolean[] anomalous = new boolean[times.length * c];
        double[] truth = new double[c];
        for (int k = 0; k < times.length; k++) {
            evaluate(signal, (times[k] - config.startMillis()) / 1000.0, truth);
            int observed = 0;
            for (int j = 0; j < c; j++) {
                boolean missing = random.nextDouble() < config.missingProbability();
                values[k * c + j] = missing ? Double.NaN : truth[j] + config.noiseSigma() * random.nextGaussian();
                observed += missing ? 0 : 1;
            }
            if (observed == 0) {
                int keep = random.nextInt(c);
                values[k * c + keep] = truth[keep] + config.noiseSigma() * random.nextGaussian();
            }
        }
        injectAnomalies(id, config, random, signal, times, values, anomalous, anomalies);
        return new GeneratedSeries(id, signal, times, values, anomalous);
    }

    private static long[] eventTimes(Config config, SplittableRandom random) {
        long end = config.startMillis() + config.span().toMillis();
        double mean = config.meanGap().toMillis();
        long[] times = new long[Math.max(16, (int) (2 * config.span().toMillis() / mean) + 16)];
        int n = 0;
        long t = config.startMillis() + gap(random, mean);
        while (t < end) {
            if (n == times.length) {
                times = Arrays.copyOf(times, 2 * n);
            }
            times[n++] = t;
            t += gap(random, mean);
        }
        return Arrays.copyOf(times, n);
    }

    /** An exponential gap with the given mean, at least 1 ms so a series' events have distinct times. */
    private static long gap(SplittableRandom random, double meanMillis) {
        return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanMillis));
    }

    /**
     * Spreads the anomalies over the events after the warm-up: that range is cut into one slot per
     * anomaly and each anomaly sits at a random place of its slot, clear of the slot's edges, so
     * anomalies never overlap and the filter has normal events to settle on between two of them.
     */
    private static void injectAnomalies(String id, Config config, SplittableRandom random, Signal signal,
                                        long[] times, double[] values, boolean[] anomalous,
                                        List<InjectedAnomaly> out) {
        int count = config.anomaliesPerSeries();
        if (count == 0) {
            return;
        }
        long warmupEnd = config.startMillis() + config.warmup().toMillis();
        int first = 0;
        while (first < times.length && times[first] < warmupEnd) {
            first++;
        }
        int available = times.length - first;
        int slot = available / count;
        int needed = MAX_ANOMALY_EVENTS + ANOMALY_CLEARANCE_EVENTS + 1;
        if (slot < needed) {
            throw new IllegalArgumentException("DemoStream.Config: series " + id + " has " + available
                    + " events after the warm-up, too few for " + count + " anomalies (each needs about " + needed
                    + " events of room); lengthen span, shorten warmup or meanGap, or lower anomaliesPerSeries");
        }
        for (int a = 0; a < count; a++) {
            boolean levelShift = random.nextDouble() < config.levelShiftShare();
            int length = levelShift ? 5 + random.nextInt(6) : 1 + random.nextInt(3);
            int lo = first + a * slot + ANOMALY_CLEARANCE_EVENTS / 2;
            int hi = first + (a + 1) * slot - ANOMALY_CLEARANCE_EVENTS / 2 - length;
            int start = lo + random.nextInt(Math.max(1, hi - lo + 1));
            int channel = random.nextInt(config.channels());
            double sign = random.nextBoolean() ? 1 : -1;
            double offset = sign * uniform(random, MIN_JUMP_SIGMAS, MAX_JUMP_SIGMAS) * config.noiseSigma();
            double[] truth = new double[config.channels()];
            for (int k = start; k < start + length; k++) {
                int at = k * config.channels() + channel;
                if (Double.isNaN(values[at])) {
                    // An anomaly must be seen: observe the channel here (fresh noise on the true value).
                    evaluate(signal, (times[k] - config.startMillis()) / 1000.0, truth);
                    values[at] = truth[channel] + config.noiseSigma() * random.nextGaussian();
                }
                values[at] += offset;
                anomalous[at] = true;
            }
            out.add(new InjectedAnomaly(id, times[start], times[start + length - 1], channel,
                    levelShift ? LEVEL_SHIFT : SPIKE, offset));
        }
    }

    /** The noise-free value of every channel at {@code seconds} after the stream's start. */
    private static void evaluate(Signal signal, double seconds, double[] out) {
        for (int j = 0; j < out.length; j++) {
            double sum = 0;
            for (int m = 0; m < signal.amplitude().length; m++) {
                sum += gain(j, m) * signal.amplitude()[m]
                        * Math.cos(signal.omega()[m] * seconds + signal.phase()[m] - lag(j, m));
            }
            out[j] = sum;
        }
    }

    // Sensors past the third repeat the first three's gains with an extra lag, so any channel count works.
    private static double gain(int channel, int mode) {
        return CHANNEL_GAIN[channel % 3][mode];
    }

    private static double lag(int channel, int mode) {
        return CHANNEL_LAG[channel % 3][mode] + (channel / 3) * Math.PI / 5;
    }

    private static double uniform(SplittableRandom random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    private static List<String> channelNames(int channels) {
        List<String> names = new ArrayList<>(channels);
        for (int j = 0; j < channels; j++) {
            names.add("ch" + j);
        }
        return Collections.unmodifiableList(names);
    }

    public Config config() {
        return config;
    }

    /** Series ids in order ({@code sensor-01}, …; zero-padded so their string order is their number order). */
    public List<String> seriesIds() {
        return series.stream().map(GeneratedSeries::id).toList();
    }

    /** Channel names, as the observations carry them ({@code ch0}, {@code ch1}, …). */
    public List<String> channelNames() {
        return channelNames;
    }

    /** Number of observations over all series. */
    public int size() {
        int n = 0;
        for (GeneratedSeries s : series) {
            n += s.times().length;
        }
        return n;
    }

    /**
     * Every observation of every series, sorted by event time, ties by series id; values null for
     * missing channels, channel names set, no tags. Built on first call, then shared (unmodifiable).
     */
    public synchronized List<Observation> observations() {
        if (observations == null) {
            observations = Collections.unmodifiableList(buildObservations());
        }
        return observations;
    }

    private List<Observation> buildObservations() {
        List<Observation> out = new ArrayList<>(size());
        inOrder().forEachRemaining(out::add);
        return out;
    }

    /**
     * The same observations in the same order as {@link #observations()}, built one at a time as the
     * iterator advances: for streams too large to hold as Avro records (a benchmark's 10 000 series).
     */
    public Iterator<Observation> inOrder() {
        // k-way merge of the series by (time, series index); series index order is id order (zero-padded ids).
        PriorityQueue<int[]> heads = new PriorityQueue<>(Math.max(1, series.size()), (a, b) -> {
            long ta = series.get(a[0]).times()[a[1]];
            long tb = series.get(b[0]).times()[b[1]];
            return ta != tb ? Long.compare(ta, tb) : Integer.compare(a[0], b[0]);
        });
        for (int s = 0; s < series.size(); s++) {
            if (series.get(s).times().length > 0) {
                heads.add(new int[] {s, 0});
            }
        }
        List<String> names = List.copyOf(channelNames);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public Observation next() {
                int[] head = heads.poll();
                if (head == null) {
                    throw new NoSuchElementException("the demo stream has no more observations");
                }
                GeneratedSeries s = series.get(head[0]);
                int k = head[1];
                if (k + 1 < s.times().length) {
                    heads.add(new int[] {head[0], k + 1});
                }
                List<Double> values = new ArrayList<>(config.channels());
                for (int j = 0; j < config.channels(); j++) {
                    double v = s.values()[k * config.channels() + j];
                    values.add(Double.isNaN(v) ? null : v);
                }
                // The all-fields constructor: the builder's per-field validation costs more than the rest.
                return new Observation(s.id(), Instant.ofEpochMilli(s.times()[k]), values, names, null);
            }
        };
    }

    /** The injected anomalies, sorted by start time (ties by series id). */
    public List<InjectedAnomaly> anomalies() {
        return anomalies;
    }

    /** Whether the event of {@code seriesId} at {@code timeMillis} carries an injected anomaly (any channel). */
    public boolean isAnomalous(String seriesId, long timeMillis) {
        GeneratedSeries s = series(seriesId);
        int k = Arrays.binarySearch(s.times(), timeMillis);
        if (k < 0) {
            return false;
        }
        for (int j = 0; j < config.channels(); j++) {
            if (s.anomalous()[k * config.channels() + j]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The noise-free, anomaly-free signal of {@code seriesId} at any epoch-ms time (also between and
     * beyond its events): what a forecast for that time should be compared with.
     */
    public double[] truth(String seriesId, long timeMillis) {
        double[] out = new double[config.channels()];
        evaluate(series(seriesId).signal(), (timeMillis - config.startMillis()) / 1000.0, out);
        return out;
    }

    /**
     * The series as training data: epoch-ms times and values with NaN for missing channels and for
     * every anomalous value (so a model never learns from an injected anomaly).
     */
    public List<LatentOdeTraining.Series> trainingSeries() {
        List<LatentOdeTraining.Series> out = new ArrayList<>(series.size());
        for (GeneratedSeries s : series) {
            int c = config.channels();
            double[][] values = new double[s.times().length][c];
            for (int k = 0; k < values.length; k++) {
                for (int j = 0; j < c; j++) {
                    values[k][j] = s.anomalous()[k * c + j] ? Double.NaN : s.values()[k * c + j];
                }
            }
            out.add(new LatentOdeTraining.Series(s.times().clone(), values));
        }
        return out;
    }

    private GeneratedSeries series(String seriesId) {
        Integer i = index.get(seriesId);
        if (i == null) {
            throw new IllegalArgumentException("no series '" + seriesId + "' in this stream; its ids are "
                    + seriesIds().get(0) + " … " + seriesIds().get(seriesIds().size() - 1));
        }
        return series.get(i);
    }
}
