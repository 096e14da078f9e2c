package io.odestream.job.forecast;

import io.odestream.schema.Forecast;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.LatencyMarker;
import org.apache.flink.streaming.runtime.streamrecord.RecordAttributes;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.BiConsumerWithException;

/**
 * Plain in-memory stand-ins for what {@link PosteriorUpdater} hands its parts (state, timers, output,
 * metrics), so that {@link ModelGate}, {@link ForecastAnswerer} and {@link SeriesExpiry} can be tested
 * directly, without an operator around them.
 */
final class OperatorParts {
    private OperatorParts() {
    }

    static UpdaterMetrics metrics() {
        return new UpdaterMetrics(new UnregisteredMetricsGroup());
    }

    /** Collects what is emitted: main output and side outputs, with their Flink timestamps. */
    static final class CollectingOutput implements Output<StreamRecord<Forecast>> {
        final List<StreamRecord<Forecast>> main = new ArrayList<>();
        final Map<String, List<StreamRecord<?>>> sides = new HashMap<>();

        List<Forecast> forecasts() {
            return main.stream().map(StreamRecord::getValue).toList();
        }

        @SuppressWarnings("unchecked")
        <T> List<T> side(OutputTag<T> tag) {
            return sides.getOrDefault(tag.getId(), List.of()).stream().map(r -> (T) r.getValue()).toList();
        }

        @Override
        public void collect(StreamRecord<Forecast> record) {
            main.add(record);
        }

        @Override
        public <X> void collect(OutputTag<X> tag, StreamRecord<X> record) {
            sides.computeIfAbsent(tag.getId(), k -> new ArrayList<>()).add(record);
        }

        @Override
        public void emitWatermark(Watermark mark) {
            throw new AssertionError("the operator's parts do not emit watermarks");
        }

        @Override
        public void emitWatermarkStatus(WatermarkStatus status) {
            throw new AssertionError("the operator's parts do not emit watermark statuses");
        }

        @Override
        public void emitLatencyMarker(LatencyMarker marker) {
            throw new AssertionError("the operator's parts do not emit latency markers");
        }

        @Override
        public void emitRecordAttributes(RecordAttributes attributes) {
            throw new AssertionError("the operator's parts do not emit record attributes");
        }

        @Override
        public void emitWatermark(WatermarkEvent event) {
            throw new AssertionError("the operator's parts do not emit watermarks");
        }

        @Override
        public void close() {
        }
    }

    /** The timers of one series: which are registered, and the clocks they are read against. */
    static final class RecordingTimers implements InternalTimerService<VoidNamespace> {
        final TreeSet<Long> eventTimers = new TreeSet<>();
        final TreeSet<Long> processingTimers = new TreeSet<>();
        long processingTime;
        long watermark = Long.MIN_VALUE;

        @Override
        public long currentProcessingTime() {
            return processingTime;
        }

        @Override
        public long currentWatermark() {
            return watermark;
        }

        @Override
        public void initializeWatermark(long mark) {
            watermark = mark;
        }

        @Override
        public void registerProcessingTimeTimer(VoidNamespace namespace, long time) {
            processingTimers.add(time);
        }

        @Override
        public void deleteProcessingTimeTimer(VoidNamespace namespace, long time) {
            processingTimers.remove(time);
        }

        @Override
        public void registerEventTimeTimer(VoidNamespace namespace, long time) {
            eventTimers.add(time);
        }

        @Override
        public void deleteEventTimeTimer(VoidNamespace namespace, long time) {
            eventTimers.remove(time);
        }

        @Override
        public void forEachEventTimeTimer(BiConsumerWithException<VoidNamespace, Long, Exception> consumer)
                throws Exception {
            for (long t : eventTimers) {
                consumer.accept(VoidNamespace.INSTANCE, t);
            }
        }

        @Override
        public void forEachProcessingTimeTimer(BiConsumerWithException<VoidNamespace, Long, Exception> consumer)
                throws Exception {
            for (long t : processingTimers) {
                consumer.accept(VoidNamespace.INSTANCE, t);
            }
        }
    }

    static final class HeapBroadcastState<K, V> implements BroadcastState<K, V> {
        final Map<K, V> map = new HashMap<>();

        @Override
        public void put(K key, V value) {
            map.put(key, value);
        }

        @Override
        public void putAll(Map<K, V> entries) {
            map.putAll(entries);
        }

        @Override
        public void remove(K key) {
            map.remove(key);
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return map.entrySet().iterator();
        }

        @Override
        public Iterable<Map.Entry<K, V>> entries() {
            return map.entrySet();
        }

        @Override
        public V get(K key) {
            return map.get(key);
        }

        @Override
        public boolean contains(K key) {
            return map.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<K, V>> immutableEntries() {
            return Map.copyOf(map).entrySet();
        }

        @Override
        public void clear() {
            map.clear();
        }
    }

    static final class HeapValueState<T> implements ValueState<T> {
        T value;

        @Override
        public T value() {
            return value;
        }

        @Override
        public void update(T v) {
            value = v;
        }

        @Override
        public void clear() {
            value = null;
        }
    }

    static final class HeapMapState<K, V> implements MapState<K, V> {
        final Map<K, V> map = new HashMap<>();

        @Override
        public V get(K key) {
            return map.get(key);
        }

        @Override
        public void put(K key, V value) {
            map.put(key, value);
        }

        @Override
        public void putAll(Map<K, V> entries) {
            map.putAll(entries);
        }

        @Override
        public void remove(K key) {
            map.remove(key);
        }

        @Override
        public boolean contains(K key) {
            return map.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<K, V>> entries() {
            return map.entrySet();
        }

        @Override
        public Iterable<K> keys() {
            return map.keySet();
        }

        @Override
        public Iterable<V> values() {
            return map.values();
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return map.entrySet().iterator();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public void clear() {
            map.clear();
        }
    }
}
