package io.odestream.dashboard;

import io.odestream.dashboard.DashboardViews.AlertView;
import io.odestream.dashboard.DashboardViews.ForecastView;
import io.odestream.dashboard.DashboardViews.ModelChange;
import io.odestream.dashboard.DashboardViews.SeriesDetail;
import io.odestream.dashboard.DashboardViews.SeriesSummary;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.Observation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dashboard keeps of one series, all of it bounded: a ring of its recent observations,
 * its latest answered forecast, its most recent alerts. Not thread-safe: {@link SeriesBoard} guards it.
 */
final class SeriesTrack {
    /** Channels drawn per series; an observation's further channels are not kept. */
    static final int MAX_CHANNELS = 8;
    /** Alerts kept per series (the newest). */
    static final int MAX_ALERTS = 64;
    /** Points in a list row's sparkline. */
    static final int SPARKLINE_POINTS = 32;
    /** z of the normal distribution's 75 % quantile: mean ± this × σ is the 50 % band. */
    private static final double Z_75 = 0.6744897501960817;

    private final String id;
    private final int ringCapacity;
    private PointRing points;
    private List<String> channels = List.of();
    private Forecast forecast;
    private final ArrayDeque<AnomalyAlert> alerts = new ArrayDeque<>();
    private int alertCount;
    private AnomalyAlert latestAnomaly;
    private long lastTime = Long.MIN_VALUE;

    SeriesTrack(String id, int ringCapacity) {
        this.id = id;
        this.ringCapacity = ringCapacity;
    }

    void observe(Observation o) {
        int width = Math.min(MAX_CHANNELS, Math.max(1, o.getValues().size()));
        if (points == null || points.channels() != width) {
            points = new PointRing(ringCapacity, width); // a new width starts the series' picture afresh
        }
        if (o.getChannels() != null && o.getChannels().size() == o.getValues().size()) {
            nameChannels(o.getChannels());
        }
        long t = o.getEventTime().toEpochMilli();
        points.add(t, o.getValues());
        lastTime = Math.max(lastTime, t);
    }

    /** Keeps the forecast if it is answered and not older than the one kept (by the state it started from). */
    void forecast(Forecast f) {
        if (f.getError() != null || f.getPoints().isEmpty()) {
            return;
        }
        if (forecast == null || stateTime(f) >= stateTime(forecast)) {
            forecast = f;
            if (f.getChannels() != null) {
                nameChannels(f.getChannels());
            }
        }
    }

    void alert(AnomalyAlert a) {
        if (alerts.size() == MAX_ALERTS) {
            alerts.removeFirst();
        }
        alerts.addLast(a);
        alertCount++;
        if (a.getKind() == AlertKind.ANOMALY && (latestAnomaly == null
                || a.getEventTime().toEpochMilli() >= latestAnomaly.getEventTime().toEpochMilli())) {
            latestAnomaly = a;
        }
        if (a.getChannels() != null) {
            nameChannels(a.getChannels());
        }
    }

    SeriesSummary summary() {
        // single precision is plenty for a 72-pixel line and halves what every push carries
        Float[] spark = new Float[points == null ? 0 : Math.min(SPARKLINE_POINTS, points.size())];
        for (int i = 0; i < spark.length; i++) {
            double v = points.value(points.size() - spark.length + i, 0);
            spark[i] = Double.isFinite(v) ? (float) v : null;
        }
        return new SeriesSummary(id, latestAnomaly == null ? null : latestAnomaly.getScore(),
                latestAnomaly == null ? null : latestAnomaly.getEventTime().toEpochMilli(), alertCount, lastTime, spark);
    }

    SeriesDetail detail(List<ModelChange> modelChanges) {
        int n = points == null ? 0 : points.size();
        int width = width();
        long[] times = new long[n];
        Double[][] values = new Double[width][n];
        for (int i = 0; i < n; i++) {
            times[i] = points.time(i);
            for (int c = 0; c < width; c++) {
                values[c][i] = c < points.channels() ? finite(points.value(i, c)) : null;
            }
        }
        List<AlertView> alertViews = new ArrayList<>(alerts.size());
        for (AnomalyAlert a : alerts) {
            alertViews.add(new AlertView(a.getEventTime().toEpochMilli(), a.getKind().name(), a.getScore(),
                    a.getThreshold(), a.getAnomalyProbability(), boxed(a.getObserved()), boxed(a.getChannelZScores()),
                    a.getModelVersion(), a.getMessage()));
        }
        return new SeriesDetail(id, channelNames(width), times, values, forecastView(width), alertViews, modelChanges);
    }

    private ForecastView forecastView(int width) {
        if (forecast == null) {
            return null;
        }
        List<ForecastPoint> answered = new ArrayList<>();
        for (ForecastPoint p : forecast.getPoints()) {
            if (p.getError() == null) {
                answered.add(p);
            }
        }
        int n = answered.size();
        long[] times = new long[n];
        Double[][] mean = new Double[width][n];
        Double[][] q05 = new Double[width][n];
        Double[][] q95 = new Double[width][n];
        Double[][] lo50 = new Double[width][n];
        Double[][] hi50 = new Double[width][n];
        for (int i = 0; i < n; i++) {
            ForecastPoint p = answered.get(i);
            times[i] = p.getTime().toEpochMilli();
            for (int c = 0; c < width && c < p.getMean().size(); c++) {
                double m = p.getMean().get(c);
                double half = Z_75 * p.getStddev().get(c);
                mean[c][i] = finite(m);
                q05[c][i] = finite(p.getQ05().get(c));
                q95[c][i] = finite(p.getQ95().get(c));
                lo50[c][i] = finite(m - half);
                hi50[c][i] = finite(m + half);
            }
        }
        return new ForecastView(forecast.getIssuedAt().toEpochMilli(),
                forecast.getStateTime() == null ? null : forecast.getStateTime().toEpochMilli(),
                forecast.getModelVersion(), times, mean, q05, q95, lo50, hi50);
    }

    /** Channels drawn: the observations' width, else the forecast's or the alerts'. */
    private int width() {
        if (points != null) {
            return points.channels();
        }
        if (forecast != null) {
            return Math.min(MAX_CHANNELS, forecast.getPoints().get(0).getMean().size());
        }
        return alerts.isEmpty() ? 0 : Math.min(MAX_CHANNELS, alerts.peekLast().getObserved().size());
    }

    private List<String> channelNames(int width) {
        List<String> names = new ArrayList<>(width);
        for (int c = 0; c < width; c++) {
            names.add(c < channels.size() ? channels.get(c) : "channel " + c);
        }
        return names;
    }

    private void nameChannels(List<String> names) {
        if (!names.equals(channels)) {
            channels = List.copyOf(names.subList(0, Math.min(MAX_CHANNELS, names.size())));
        }
    }

    private static long stateTime(Forecast f) {
        return f.getStateTime() != null ? f.getStateTime().toEpochMilli() : f.getIssuedAt().toEpochMilli();
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Double[] boxed(List<Double> values) {
        Double[] out = new Double[Math.min(MAX_CHANNELS, values.size())];
        for (int i = 0; i < out.length; i++) {
            Double v = values.get(i);
            out[i] = v == null ? null : finite(v);
        }
        return out;
    }
}
