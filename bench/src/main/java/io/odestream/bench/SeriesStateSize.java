package io.odestream.bench;

import io.odestream.alert.AlertPolicy;
import io.odestream.demo.DemoSetup;
import io.odestream.job.SampleSeed;
import io.odestream.job.forecast.RecentObservations;
import io.odestream.job.forecast.SeriesState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LevelShift;
import io.odestream.latent.MonitorSettings;
import io.odestream.latent.SeriesMonitor;
import io.odestream.schema.Observation;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * What one series costs in the forecasting job's keyed state, by how many observations it has
 * absorbed, for sizing (docs/DEPLOY.md): the {@link SeriesState} the job keeps, built by the job's
 * own per-series step ({@link SeriesMonitor} with the demo's settings, the bundled model), then
 * <ul>
 *   <li>serialised with the serializer Flink derives for it (the job's state descriptor names the
 *   class): the bytes a heap-backend checkpoint writes per series and the value RocksDB stores per
 *   series before its block compression;</li>
 *   <li>its size as objects on the heap (the heap backend's live state), counted field by field with
 *   a 12-byte object header, 16-byte array headers, 4-byte references (compressed oops) and 8-byte
 *   alignment.</li>
 * </ul>
 * Key, namespace and the state map's entry come on top (tens of bytes). The ages printed show the
 * rings growing with the history (16 slots, doubling up to the alert window and the recent-observation
 * capacity); a build from before they grew prints the same size at every age. Three settings: `run`'s
 * defaults, the demo's, and `run --alert-window 8640 --alert-short-window 30 --alert-value-level` (the
 * NAB detector's calibration) up to 10 000 observations, where its rings are full.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.odestream.bench.SeriesStateSize
 * </pre>
 */
public final class SeriesStateSize {
    private static final int[] AGES = {1, 10, 20, 100, 200, 500, 1_000, 2_000};
    /** The ages of the long-window table: until its rings are full. */
    private static final int[] LONG_AGES = {100, 1_000, 2_000, 5_000, 10_000};

    private SeriesStateSize() {
    }

    public static void main(String[] args) throws IOException {
        BenchModel model = BenchModel.load(null);
        LatentFilter filter = LatentFilter.init(model.artifact());
        int newest = LONG_AGES[LONG_AGES.length - 1];
        List<Observation> stream = BenchStream.generate(1, PipelineBenchmark.STREAM_START, Duration.ofSeconds(newest * 3L / 2),
                Duration.ofSeconds(1), 0, 1).observations();
        TypeSerializer<SeriesState> serializer = TypeInformation.of(SeriesState.class)
                .createSerializer(new SerializerConfigImpl());
        System.out.printf(Locale.ROOT, "state serializer: %s; model: %s%n", serializer.getClass().getSimpleName(),
                model.description());
        table("`run`'s defaults (MonitorSettings.defaults, level shift on)",
                MonitorSettings.defaults().withLevelShift(LevelShift.defaults()), filter, stream, serializer,
                AGES);
        table("the demo's and the pipeline benchmark's (DemoSetup.monitorSettings)", DemoSetup.monitorSettings(),
                filter, stream, serializer, AGES);
        // the NAB detector's calibration in the job: run --alert-window 8640 --alert-short-window 30 --alert-value-level
        MonitorSettings month = MonitorSettings.defaults().withLevelShift(LevelShift.defaults())
                .withAlertPolicy(AlertPolicy.defaults().withWindow(8640)
                .withShortWindow(30).withValueLevel(true));
        table("`run --alert-window 8640 --alert-short-window 30 --alert-value-level`", month, filter, stream, serializer,
                LONG_AGES);
    }

    private static void table(String name, MonitorSettings settings, LatentFilter filter, List<Observation> stream,
                              TypeSerializer<SeriesState> serializer, int[] ages) throws IOException {
        SeriesMonitor monitor = new SeriesMonitor(settings);
        System.out.printf(Locale.ROOT, "%n%s: alert window %d scores (short window %d), %d recent observations kept%n%n",
                name, settings.alertPolicy().window(), settings.alertPolicy().shortWindow(), settings.recentCapacity());
        System.out.println("| observations absorbed | serialised (heap checkpoint, RocksDB value) | objects on the heap "
                + "| of which alert track / recent observations / the rest |");
        System.out.println("|---|---|---|---|");
        SeriesState s = new SeriesState();
        int absorbed = 0;
        for (int age : ages) {
            for (; absorbed < age && absorbed < stream.size(); absorbed++) {
                step(monitor, filter, s, stream.get(absorbed));
            }
            DataOutputSerializer out = new DataOutputSerializer(16 * 1024); // grows as needed
            serializer.serialize(s, out);
            long total = heapBytes(s);
            long track = heapBytes(s.alerts);
            long recent = heapBytes(s.recent);
            System.out.printf(Locale.ROOT, "| %,d | %,d B | %,d B | %,d / %,d / %,d B |%n", absorbed, out.length(), total,
                    track, recent, total - track - recent);
        }
    }

    /** The job's step for one observation (ObservationApplier without the outputs). */
    private static void step(SeriesMonitor monitor, LatentFilter filter, SeriesState s, Observation o) {
        long t = o.getEventTime().toEpochMilli();
        int c = o.getValues().size();
        double[] x = new double[c];
        boolean[] observed = new boolean[c];
        for (int j = 0; j < c; j++) {
            Double v = o.getValues().get(j);
            observed[j] = v != null;
            x[j] = observed[j] ? v : 0;
        }
        if (s.recent == null) {
            s.recent = RecentObservations.empty(monitor.settings().recentCapacity(), c);
            s.alerts = monitor.settings().alertPolicy().newTrack();
        }
        monitor.step(s, filter, t, x, observed, SampleSeed.of(o.getSeriesId(), t));
        s.lastEventMillis = t;
        s.observations++;
    }

    /** Shallow sizes of the object and everything it references (no sharing among these objects). */
    static long heapBytes(Object o) {
        if (o == null) {
            return 0;
        }
        Class<?> type = o.getClass();
        if (type.isArray()) {
            int n = Array.getLength(o);
            Class<?> element = type.getComponentType();
            long size = align(16 + (long) n * width(element));
            if (!element.isPrimitive()) {
                for (int i = 0; i < n; i++) {
                    size += heapBytes(Array.get(o, i));
                }
            }
            return size;
        }
        if (o instanceof String str) {
            return align(24) + align(16 + str.length());
        }
        long size = 12;
        long nested = 0;
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                size += width(f.getType());
                if (!f.getType().isPrimitive()) {
                    try {
                        f.setAccessible(true);
                        nested += heapBytes(f.get(o));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + f, e);
                    }
                }
            }
        }
        return align(size) + nested;
    }

    private static long width(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return 4; // a compressed reference
    }

    private static long align(long bytes) {
        return (bytes + 7) / 8 * 8;
    }
}
