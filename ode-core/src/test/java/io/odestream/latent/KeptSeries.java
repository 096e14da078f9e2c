package io.odestream.latent;

import io.odestream.alert.AlertTrack;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A test series that keeps its last {@code capacity} observations, as the job's series state does. */
final class KeptSeries implements MonitoredSeries, SeriesHistory {
    final InMemorySeries inner;
    final int capacity;
    final List<Long> times = new ArrayList<>();
    final List<double[]> kept = new ArrayList<>();

    KeptSeries(AlertTrack track, int capacity) {
        this.inner = new InMemorySeries(track);
        this.capacity = capacity;
    }

    @Override
    public FilterState filterState(String modelId, long modelVersion) {
        return inner.filterState(modelId, modelVersion);
    }

    @Override
    public void store(FilterState state) {
        inner.store(state);
    }

    @Override
    public void forgetFilterState() {
        inner.forgetFilterState();
    }

    @Override
    public int consecutiveFailures() {
        return inner.consecutiveFailures();
    }

    @Override
    public void consecutiveFailures(int failures) {
        inner.consecutiveFailures(failures);
    }

    @Override
    public AlertTrack alerts() {
        return inner.alerts();
    }

    @Override
    public SeriesHistory history() {
        return this;
    }

    @Override
    public LevelFrame levelFrame() {
        return inner.levelFrame();
    }

    @Override
    public void levelFrame(LevelFrame frame) {
        inner.levelFrame(frame);
    }

    @Override
    public int size() {
        return times.size();
    }

    @Override
    public int channels() {
        return 3;
    }

    @Override
    public long timeOf(int i) {
        return times.get(i);
    }

    @Override
    public void readInto(int i, double[] into, boolean[] observed) {
        System.arraycopy(kept.get(i), 0, into, 0, 3);
        Arrays.fill(observed, true);
    }

    /** Keeps this test series' own capacity: a test chooses it apart from the settings' ({@code ignored}). */
    @Override
    public void add(long timeMillis, double[] values, boolean[] observed, int ignored) {
        if (times.size() == capacity) {
            times.remove(0);
            kept.remove(0);
        }
        times.add(timeMillis);
        kept.add(values.clone());
    }
}
