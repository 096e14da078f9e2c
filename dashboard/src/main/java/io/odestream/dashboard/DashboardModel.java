package io.odestream.dashboard;

import io.odestream.dashboard.DashboardViews.ModelChange;
import io.odestream.dashboard.DashboardViews.SeriesDetail;
import io.odestream.dashboard.DashboardViews.ServingView;
import io.odestream.dashboard.DashboardViews.Strip;
import io.odestream.dashboard.DashboardViews.Update;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingChange;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Everything the page shows, fed record by record from the topics (one thread per topic) and read
 * by the server's handlers and its push loop: the bounded {@link SeriesBoard}, the rates of the
 * strip, the served model and its changes. One lock guards it all; each call holds it briefly.
 */
public final class DashboardModel {
    /** Default bound on the series kept; the least recently updated is dropped beyond it. */
    public static final int DEFAULT_MAX_SERIES = 2_000;
    /** Default observations kept per series. */
    public static final int DEFAULT_POINTS_PER_SERIES = 512;
    /** Model versions whose metrics are kept, and model changes drawn. */
    static final int MAX_MODEL_VERSIONS = 64;
    private static final int EVENT_RATE_SECONDS = 10;

    private final LongSupplier clock;
    private final SeriesBoard board;
    private final SlidingCounter events = new SlidingCounter(1_000, EVENT_RATE_SECONDS);
    private final SlidingCounter alertsLastHour = new SlidingCounter(60_000, 60);
    private final SlidingCounter deadLettersPerMinute = new SlidingCounter(1_000, 60);
    private final SlidingCounter latePerMinute = new SlidingCounter(1_000, 60);
    private final Map<String, ModelArtifact> artifactsByKey = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ModelArtifact> eldest) {
            return size() > MAX_MODEL_VERSIONS;
        }
    };
    private final ArrayDeque<ModelChange> modelChanges = new ArrayDeque<>();
    private RegistryServing pointer;
    private ModelArtifact newestArtifact;
    private long problems;
    private String lastProblem;

    public DashboardModel() {
        this(DEFAULT_MAX_SERIES, DEFAULT_POINTS_PER_SERIES, System::currentTimeMillis);
    }

    public DashboardModel(int maxSeries, int pointsPerSeries, LongSupplier clock) {
        this.board = new SeriesBoard(maxSeries, pointsPerSeries);
        this.clock = clock;
    }

    public synchronized void observation(Observation o) {
        events.add(clock.getAsLong());
        board.touch(o.getSeriesId()).observe(o);
    }

    public synchronized void late(Observation o) {
        latePerMinute.add(clock.getAsLong());
    }

    public synchronized void deadLetter() {
        deadLettersPerMinute.add(clock.getAsLong());
    }

    public synchronized void forecast(Forecast f) {
        board.touch(f.getSeriesId()).forecast(f);
    }

    public synchronized void alert(AnomalyAlert a) {
        alertsLastHour.add(clock.getAsLong());
        board.touch(a.getSeriesId()).alert(a);
    }

    /** An artifact on the models topic: its metrics, and (without a serving pointer) the model served. */
    public synchronized void artifact(ModelArtifact m) {
        String key = m.getModelId() + "/" + m.getVersion();
        boolean isNew = !artifactsByKey.containsKey(key);
        artifactsByKey.put(key, m);
        if (newestArtifact == null || m.getVersion() > newestArtifact.getVersion()
                || !m.getModelId().equals(newestArtifact.getModelId())) {
            newestArtifact = m;
            if (pointer == null && isNew) {
                addChange(new ModelChange(m.getCreatedAt().toEpochMilli(), m.getVersion(), "PUBLISHED"));
            }
        }
    }

    /** The registry's serving pointer: the served version, and its history as model changes. */
    public synchronized void serving(RegistryServing s) {
        pointer = s;
        modelChanges.clear();
        for (RegistryServingChange c : s.getHistory()) {
            addChange(new ModelChange(c.getChangedAt().toEpochMilli(), c.getVersion(), c.getAction().name()));
        }
    }

    /** Something the feed could not use (an undecodable record, a topic it cannot read): counted and shown. */
    public synchronized void problem(String what) {
        problems++;
        lastProblem = what;
    }

    /** Everything: what a page gets when it connects. */
    public synchronized Update snapshot() {
        board.drainEvicted();
        return new Update(strip(), board.all(), List.of(), true);
    }

    /** What changed since the last call: the push to every connected page. */
    public synchronized Update changes() {
        return new Update(strip(), board.drainChanged(), board.drainEvicted(), false);
    }

    public synchronized Optional<SeriesDetail> detail(String seriesId) {
        SeriesTrack t = board.find(seriesId);
        return t == null ? Optional.empty() : Optional.of(t.detail(List.copyOf(modelChanges)));
    }

    public synchronized Strip strip() {
        long now = clock.getAsLong();
        return new Strip(events.sum(now) / (double) EVENT_RATE_SECONDS, alertsLastHour.sum(now),
                deadLettersPerMinute.sum(now), latePerMinute.sum(now), servingView(), board.size(), board.maxSeries(),
                board.evictedTotal(), problems, lastProblem);
    }

    private ServingView servingView() {
        if (pointer != null) {
            ModelArtifact served = artifactsByKey.get(pointer.getModelId() + "/" + pointer.getServingVersion());
            return new ServingView(pointer.getModelId(), pointer.getServingVersion(), "registry serving pointer",
                    served == null ? Map.of() : new TreeMap<>(served.getMetrics()));
        }
        if (newestArtifact != null) {
            return new ServingView(newestArtifact.getModelId(), newestArtifact.getVersion(),
                    "newest on the models topic (no serving pointer)", new TreeMap<>(newestArtifact.getMetrics()));
        }
        return null;
    }

    private void addChange(ModelChange change) {
        if (modelChanges.size() == MAX_MODEL_VERSIONS) {
            modelChanges.removeFirst();
        }
        modelChanges.addLast(change);
    }

    /** For tests: the model changes drawn. */
    synchronized List<ModelChange> modelChanges() {
        return new ArrayList<>(modelChanges);
    }
}
