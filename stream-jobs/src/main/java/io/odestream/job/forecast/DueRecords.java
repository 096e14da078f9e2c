package io.odestream.job.forecast;

import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.types.Either;

/**
 * The records of many series that are due (their turn in event time has come) but not applied yet:
 * {@link PosteriorUpdater}'s micro-batch. Drained round by round, one record per series per round, so
 * that a round's observations can be scored and absorbed in one backend call while every series still
 * sees its records in the order they became due.
 */
final class DueRecords {

    /**
     * A due record of series {@code key}: an observation or a forecast request, or (record null) the
     * series' periodic forecast timer that fired at {@code periodicAt}. {@code timestamp} is the Flink
     * record timestamp its outputs carry ({@link Long#MIN_VALUE}: none).
     */
    record Entry(String key, Either<Observation, ForecastRequest> record, long periodicAt, long timestamp) {
        static Entry of(String key, Either<Observation, ForecastRequest> record, long timestamp) {
            return new Entry(key, record, Long.MIN_VALUE, timestamp);
        }

        static Entry periodic(String key, long firedAt) {
            return new Entry(key, null, firedAt, firedAt);
        }

        boolean isObservation() {
            return record != null && record.isLeft();
        }
    }

    private final Map<String, ArrayDeque<Entry>> byKey = new LinkedHashMap<>();
    private int size;

    void add(Entry entry) {
        byKey.computeIfAbsent(entry.key(), k -> new ArrayDeque<>(2)).addLast(entry);
        size++;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The oldest entry of every series that has one (series in the order they first queued), removed. */
    List<Entry> nextRound() {
        List<Entry> round = new ArrayList<>(byKey.size());
        for (Iterator<ArrayDeque<Entry>> it = byKey.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Entry> queue = it.next();
            round.add(queue.pollFirst());
            if (queue.isEmpty()) {
                it.remove();
            }
        }
        size -= round.size();
        return round;
    }
}
