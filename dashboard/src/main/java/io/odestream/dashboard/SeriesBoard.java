package io.odestream.dashboard;

import io.odestream.dashboard.DashboardViews.SeriesSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The series the dashboard keeps: at most {@code maxSeries}, the least recently updated one
 * dropped (and reported to the page) when a new one would pass the bound, so memory stays bounded
 * whatever the number of keys in the stream. Remembers which series changed since the last push.
 * Not thread-safe: {@link DashboardModel} guards it.
 */
final class SeriesBoard {
    private final int maxSeries;
    private final int ringCapacity;
    private final Map<String, SeriesTrack> tracks;
    private final Set<String> changed = new LinkedHashSet<>();
    private final List<String> evicted = new ArrayList<>();
    private long evictedTotal;

    SeriesBoard(int maxSeries, int ringCapacity) {
        if (maxSeries < 1 || ringCapacity < 1) {
            throw new IllegalArgumentException("maxSeries and ringCapacity must be >= 1");
        }
        this.maxSeries = maxSeries;
        this.ringCapacity = ringCapacity;
        // access order: get() moves a series to the young end, so the eldest is the least recently updated
        this.tracks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, SeriesTrack> eldest) {
                if (size() <= SeriesBoard.this.maxSeries) {
                    return false;
                }
                evicted.add(eldest.getKey());
                changed.remove(eldest.getKey());
                evictedTotal++;
                return true;
            }
        };
    }

    /** The series' track, created if new; marks it changed. */
    SeriesTrack touch(String seriesId) {
        SeriesTrack track = tracks.get(seriesId);
        if (track == null) {
            track = new SeriesTrack(seriesId, ringCapacity);
            tracks.put(seriesId, track);
            evicted.remove(seriesId);
        }
        changed.add(seriesId);
        return track;
    }

    SeriesTrack find(String seriesId) {
        return tracks.get(seriesId);
    }

    int size() {
        return tracks.size();
    }

    int maxSeries() {
        return maxSeries;
    }

    long evictedTotal() {
        return evictedTotal;
    }

    List<SeriesSummary> all() {
        List<SeriesSummary> out = new ArrayList<>(tracks.size());
        tracks.values().forEach(t -> out.add(t.summary()));
        return out;
    }

    /** Summaries of the series changed since the last drain; forgets them. */
    List<SeriesSummary> drainChanged() {
        List<SeriesSummary> out = new ArrayList<>(changed.size());
        for (String id : changed) {
            SeriesTrack t = tracks.get(id);
            if (t != null) {
                out.add(t.summary());
            }
        }
        changed.clear();
        return out;
    }

    /** Series dropped since the last drain; forgets them. */
    List<String> drainEvicted() {
        List<String> out = List.copyOf(evicted);
        evicted.clear();
        return out;
    }
}
