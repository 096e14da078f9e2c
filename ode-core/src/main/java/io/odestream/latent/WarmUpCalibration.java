package io.odestream.latent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.odestream.alert.AgeBuckets;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.WarmUpThresholds;
import io.odestream.alert.ZMoments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The warm-up calibration a model ships in its spec ({@link LatentOdeSpec#warmUp()}): per kind of
 * score the job can serve without a residual scorer, the z-scores' second moments E[z_i·z_j] per
 * {@linkplain AgeBuckets age bucket} of a series and over all ages, measured once over a set of series
 * ({@link WarmUpCalibrator}). {@link SeriesMonitor} judges a young series by the conditional z under
 * them from its first score ({@link WarmUpMoments}), against the z its calibration series exceed at
 * a stated per-event false-alarm rate when it ships one ({@link WarmUpThresholds}).
 *
 * <p>JSON: {@code {"ageBuckets":[0,1,2,4],"scores":[{"scoreMode":"SIGMA_POINTS","allAges":{"moments":
 * [...],"events":[...]},"byAge":[...one per bucket...],"thresholds":{"falseAlarmRate":1.0E-4,
 * "allAges":{"z":4.7,"events":...},"byAge":[...one per bucket...]}}, ...]}}, the moments and the events
 * that observed both channels row-major (channels × channels). {@code thresholds} is optional (an
 * artifact without it is judged at the policy's {@code warmUpZ}), and so is a threshold's {@code z}
 * (too few events had it). The values are what they mean, not the
 * pool's fixed-point sums, so the file reads on its own.
 */
@JsonPropertyOrder({"ageBuckets", "scores"})
public final class WarmUpCalibration {

    /**
     * One set of second moments.
     *
     * @param moments E[z_i·z_j], row-major; 0 where no event observed both channels
     * @param events  the events each moment is over, row-major
     */
    @JsonPropertyOrder({"moments", "events"})
    public record Moments(double[] moments, long[] events) {
        public Moments {
            if (moments == null || events == null || moments.length != events.length) {
                throw new IllegalArgumentException("moments and events must be given, one of each per pair of channels");
            }
            moments = moments.clone();
            events = events.clone();
        }

        static Moments of(ZMoments m) {
            int c = m.channels();
            double[] values = new double[c * c];
            long[] counts = new long[c * c];
            for (int i = 0; i < c; i++) {
                for (int j = 0; j < c; j++) {
                    counts[i * c + j] = m.count(i, j);
                    values[i * c + j] = counts[i * c + j] == 0 ? 0 : m.moment(i, j);
                }
            }
            return new Moments(values, counts);
        }

        ZMoments toZMoments(int channels) {
            return ZMoments.ofMoments(channels, moments, events);
        }

        @Override
        public double[] moments() {
            return moments.clone();
        }

        @Override
        public long[] events() {
            return events.clone();
        }
    }

    /**
     * One warm-up threshold.
     *
     * @param z      the judged z at the calibration's false-alarm rate; null when too few events had it
     * @param events the calibration events it was taken over
     */
    @JsonPropertyOrder({"z", "events"})
    public record Threshold(@JsonInclude(JsonInclude.Include.NON_NULL) Double z, long events) {
        double value() {
            return z == null ? Double.NaN : z;
        }

        static Threshold of(double z, long events) {
            return new Threshold(Double.isNaN(z) ? null : z, events);
        }
    }

    /**
     * The warm-up thresholds of one kind of score ({@link WarmUpThresholds}).
     *
     * @param falseAlarmRate the per-event false-alarm rate they were taken at
     * @param allAges        over every age
     * @param byAge          one per age bucket, in the buckets' order
     */
    @JsonPropertyOrder({"falseAlarmRate", "allAges", "byAge"})
    public record Thresholds(double falseAlarmRate, Threshold allAges, List<Threshold> byAge) {
        public Thresholds {
            if (allAges == null || byAge == null) {
                throw new IllegalArgumentException("a warm-up threshold's allAges and byAge are required");
            }
            byAge = List.copyOf(byAge);
        }

        static Thresholds of(WarmUpThresholds t, long allAgesEvents, long[] eventsByAge) {
            List<Threshold> ages = new ArrayList<>();
            for (int b = 0; b < t.buckets().count(); b++) {
                ages.add(Threshold.of(t.bucket(b), eventsByAge[b]));
            }
            return new Thresholds(t.falseAlarmRate(), Threshold.of(t.allAges(), allAgesEvents), ages);
        }

        WarmUpThresholds toThresholds(AgeBuckets buckets) {
            double[] ages = new double[byAge.size()];
            for (int b = 0; b < ages.length; b++) {
                ages[b] = byAge.get(b).value();
            }
            return new WarmUpThresholds(falseAlarmRate, buckets, allAges.value(), ages);
        }
    }

    /**
     * The moments of one kind of score, and optionally its warm-up thresholds.
     *
     * @param scoreMode  how the scores were taken (without a residual scorer)
     * @param allAges    over every age
     * @param byAge      one per age bucket, in the buckets' order
     * @param thresholds the warm-up rule's thresholds under these moments; null: the policy's
     *                   {@code warmUpZ} (an artifact calibrated before they were shipped)
     */
    @JsonPropertyOrder({"scoreMode", "allAges", "byAge", "thresholds"})
    public record ScoreMoments(ScoreMode scoreMode, Moments allAges, List<Moments> byAge,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Thresholds thresholds) {
        public ScoreMoments {
            if (scoreMode == null || allAges == null || byAge == null) {
                throw new IllegalArgumentException("scoreMode, allAges and byAge are required");
            }
            byAge = List.copyOf(byAge);
        }

        /** Without thresholds. */
        public ScoreMoments(ScoreMode scoreMode, Moments allAges, List<Moments> byAge) {
            this(scoreMode, allAges, byAge, null);
        }
    }

    private final AgeBuckets buckets;
    private final List<ScoreMoments> scores;
    private final int channels;
    private final Map<ScoreMode, WarmUpMoments> byMode = new EnumMap<>(ScoreMode.class);
    private final Map<ScoreMode, WarmUpThresholds> thresholdsByMode = new EnumMap<>(ScoreMode.class);

    @JsonCreator
    public WarmUpCalibration(@JsonProperty("ageBuckets") int[] ageBuckets,
                             @JsonProperty("scores") List<ScoreMoments> scores) {
        if (ageBuckets == null || scores == null || scores.isEmpty()) {
            throw new IllegalArgumentException("a warm-up calibration needs its age buckets and the moments of at "
                    + "least one kind of score");
        }
        this.buckets = new AgeBuckets(ageBuckets);
        this.scores = List.copyOf(scores);
        int c = (int) Math.round(Math.sqrt(scores.get(0).allAges().events.length));
        for (ScoreMoments s : this.scores) {
            if (s.byAge().size() != buckets.count()) {
                throw new IllegalArgumentException(s.scoreMode() + " has moments for " + s.byAge().size()
                        + " age buckets; the calibration has " + buckets.count() + " (" + buckets + ")");
            }
            if (byMode.containsKey(s.scoreMode())) {
                throw new IllegalArgumentException(s.scoreMode() + " has moments twice");
            }
            ZMoments[] ages = new ZMoments[buckets.count()];
            for (int b = 0; b < ages.length; b++) {
                ages[b] = s.byAge().get(b).toZMoments(c);
            }
            byMode.put(s.scoreMode(), new WarmUpMoments(buckets, s.allAges().toZMoments(c), ages));
            if (s.thresholds() != null) {
                if (s.thresholds().byAge().size() != buckets.count()) {
                    throw new IllegalArgumentException(s.scoreMode() + " has thresholds for "
                            + s.thresholds().byAge().size() + " age buckets; the calibration has " + buckets.count());
                }
                thresholdsByMode.put(s.scoreMode(), s.thresholds().toThresholds(buckets));
            }
        }
        this.channels = c;
    }

    /** The calibration of these moments, per kind of score (each over {@code buckets}' ages), no thresholds. */
    public static WarmUpCalibration of(AgeBuckets buckets, Map<ScoreMode, WarmUpMoments> moments) {
        return of(buckets, moments, Map.of());
    }

    /**
     * The calibration of these moments and, for the kinds of score that have them, these warm-up
     * thresholds with the events each was taken over.
     */
    public static WarmUpCalibration of(AgeBuckets buckets, Map<ScoreMode, WarmUpMoments> moments,
                                       Map<ScoreMode, MeasuredThresholds> thresholds) {
        int[] starts = new int[buckets.count()];
        Arrays.setAll(starts, buckets::start);
        List<ScoreMoments> scores = new ArrayList<>();
        for (Map.Entry<ScoreMode, WarmUpMoments> e : moments.entrySet()) {
            WarmUpMoments m = e.getValue();
            if (!m.buckets().equals(buckets)) {
                throw new IllegalArgumentException(e.getKey() + "'s moments are over age buckets " + m.buckets()
                        + ", not " + buckets);
            }
            List<Moments> ages = new ArrayList<>();
            for (int b = 0; b < buckets.count(); b++) {
                ages.add(Moments.of(m.bucket(b)));
            }
            MeasuredThresholds t = thresholds.get(e.getKey());
            scores.add(new ScoreMoments(e.getKey(), Moments.of(m.allAges()), ages,
                    t == null ? null : Thresholds.of(t.thresholds(), t.allAgesEvents(), t.eventsByAge())));
        }
        return new WarmUpCalibration(starts, scores);
    }

    /** Each age bucket's first age. */
    @JsonProperty("ageBuckets")
    public int[] ageBuckets() {
        int[] starts = new int[buckets.count()];
        Arrays.setAll(starts, buckets::start);
        return starts;
    }

    @JsonProperty("scores")
    public List<ScoreMoments> scores() {
        return scores;
    }

    /** The channels the moments are of. */
    public int channels() {
        return channels;
    }

    /** The moments of scores taken this way; null when the calibration did not measure them. */
    public WarmUpMoments momentsFor(ScoreMode mode) {
        return byMode.get(mode);
    }

    /** The warm-up thresholds of scores taken this way; null when the calibration ships none for them. */
    public WarmUpThresholds thresholdsFor(ScoreMode mode) {
        return thresholdsByMode.get(mode);
    }

    /**
     * Thresholds as measured, with the events each was taken over (for the file: how much each says).
     *
     * @param eventsByAge one per age bucket
     */
    public record MeasuredThresholds(WarmUpThresholds thresholds, long allAgesEvents, long[] eventsByAge) {
    }

    @Override
    public String toString() {
        return (thresholdsByMode.isEmpty() ? "" : "thresholds and ") + "warm-up moments of " + byMode.keySet() + " over ages " + buckets;
    }
}
