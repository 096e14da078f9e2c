package io.odestream.job;

import io.odestream.latent.Prediction;
import io.odestream.latent.Score;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.Observation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The Avro records the job emits, built in one place so every field is filled the same way. */
public final class JobRecords {
    private JobRecords() {
    }

    public static AnomalyAlert anomaly(Observation o, Score score, Prediction expected, double threshold,
                                       double probability, long modelVersion) {
        return anomaly(o, o.getValues(), o.getChannels(), score, expected, threshold, probability, modelVersion);
    }

    /**
     * An anomaly alert whose per-channel arrays are in the model's order: {@code observed} the
     * observation's values in that order, {@code channels} the model's names (null: unnamed).
     */
    public static AnomalyAlert anomaly(Observation o, List<Double> observed, List<String> channels, Score score,
                                       Prediction expected, double threshold, double probability, long modelVersion) {
        List<Double> zs = new ArrayList<>(score.zScores().length);
        for (double z : score.zScores()) {
            zs.add(z);
        }
        return AnomalyAlert.newBuilder()
                .setSeriesId(o.getSeriesId())
                .setEventTime(o.getEventTime())
                .setKind(AlertKind.ANOMALY)
                .setScore(score.negativeLogDensity())
                .setThreshold(threshold)
                .setObserved(observed)
                .setChannels(channels)
                .setExpected(list(expected.mean()[0]))
                .setExpectedStddev(list(expected.std()[0]))
                .setChannelZScores(zs)
                .setModelVersion(modelVersion)
                .setAnomalyProbability(Double.isNaN(probability) ? null : probability)
                .setMessage(null)
                .build();
    }

    /** A MODEL_ERROR or MODEL_REJECTED notice: something the operator must know about, not an anomaly. */
    public static AnomalyAlert problem(AlertKind kind, String seriesId, long eventTimeMillis, long modelVersion,
                                       String message) {
        return AnomalyAlert.newBuilder()
                .setSeriesId(seriesId)
                .setEventTime(Instant.ofEpochMilli(eventTimeMillis))
                .setKind(kind)
                .setScore(Double.NaN)
                .setThreshold(Double.NaN)
                .setObserved(List.of())
                .setExpected(List.of())
                .setModelVersion(modelVersion)
                .setMessage(message)
                .build();
    }

    /**
     * The answer with a point per query time, in time order. A point the prediction refused carries its
     * reason and no numbers (a refused forecast is never served as a number); when every point is
     * refused the forecast's {@code error} says so too.
     */
    public static Forecast forecast(String requestId, String seriesId, long modelVersion, long stateMillis,
                                    Prediction p, List<String> channels) {
        List<ForecastPoint> points = new ArrayList<>(p.times().length);
        Integer[] order = new Integer[p.times().length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(p.times()[a], p.times()[b]));
        String firstRefusal = null;
        for (int i : order) {
            boolean answered = p.answered(i);
            if (!answered && firstRefusal == null) {
                firstRefusal = p.refused()[i];
            }
            points.add(ForecastPoint.newBuilder()
                    .setTime(Instant.ofEpochMilli(p.times()[i]))
                    .setMean(answered ? list(p.mean()[i]) : List.of())
                    .setStddev(answered ? list(p.std()[i]) : List.of())
                    .setQ05(answered ? list(p.q05()[i]) : List.of())
                    .setQ50(answered ? list(p.q50()[i]) : List.of())
                    .setQ95(answered ? list(p.q95()[i]) : List.of())
                    .setError(answered ? null : p.refused()[i])
                    .build());
        }
        String error = p.refusedCount() == order.length
                ? "no query time could be answered (each point says why; the first: " + firstRefusal + ")" : null;
        return Forecast.newBuilder()
                .setRequestId(requestId)
                .setSeriesId(seriesId)
                .setModelVersion(modelVersion)
                .setIssuedAt(Instant.now())
                .setPoints(points)
                .setSamples(p.samples())
                .setChannels(channels)
                .setStateTime(Instant.ofEpochMilli(stateMillis))
                .setError(error)
                .build();
    }

    /** The answer to a request that cannot be answered: no points, and why. */
    public static Forecast unanswered(String requestId, String seriesId, long modelVersion, String why) {
        return Forecast.newBuilder()
                .setRequestId(requestId)
                .setSeriesId(seriesId)
                .setModelVersion(modelVersion)
                .setIssuedAt(Instant.now())
                .setPoints(List.of())
                .setSamples(0)
                .setChannels(null)
                .setStateTime(null)
                .setError(why)
                .build();
    }

    private static List<Double> list(double[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (double x : v) {
            out.add(x);
        }
        return out;
    }
}
