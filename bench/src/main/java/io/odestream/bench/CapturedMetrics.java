package io.odestream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * The forecasting job's own metrics (group {@code odestream} of the PosteriorUpdater: counters and
 * the per-update latency histogram), read in the benchmark's JVM through a metric reporter that
 * keeps a reference to each one. Metric objects stay readable after their task finished, so the
 * figures of a bounded job can be read once it is done. Static, like the local environment the
 * reporter lives in; {@link #reset} before each job.
 */
final class CapturedMetrics {
    private static final String GROUP = "odestream";
    private static final ConcurrentLinkedQueue<Captured> METRICS = new ConcurrentLinkedQueue<>();

    private record Captured(String name, Metric metric) {
    }

    private CapturedMetrics() {
    }

    /** Adds the capturing reporter to a Flink configuration (local environments only). */
    static Configuration install(Configuration conf) {
        conf.setString("metrics.reporter.bench.factory.class", Factory.class.getName());
        return conf;
    }

    static void reset() {
        METRICS.clear();
    }

    /** Sum over subtasks of the updater's counter {@code name}; -1 when no such counter was registered. */
    static long counter(String name) {
        long sum = 0;
        boolean found = false;
        for (Captured c : METRICS) {
            if (c.name.equals(name) && c.metric instanceof Counter counter) {
                sum += counter.getCount();
                found = true;
            }
        }
        return found ? sum : -1;
    }

    /** The samples every subtask's histogram {@code name} holds now (each keeps its most recent ones). */
    static long[] histogramValues(String name) {
        List<long[]> parts = new ArrayList<>();
        int n = 0;
        for (Captured c : METRICS) {
            if (c.name.equals(name) && c.metric instanceof Histogram h) {
                HistogramStatistics s = h.getStatistics();
                long[] v = s.getValues();
                parts.add(v);
                n += v.length;
            }
        }
        long[] all = new long[n];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    /** Keeps the metrics of the {@code odestream} group (the updater's); ignores Flink's own. */
    public static final class Reporter implements MetricReporter {
        @Override
        public void open(MetricConfig config) {
        }

        @Override
        public void close() {
        }

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            if (group.getMetricIdentifier(name).endsWith("." + GROUP + "." + name)) {
                METRICS.add(new Captured(name, metric));
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
            // kept on purpose: a finished bounded job's figures are read after it ended
        }
    }

    /** Found through META-INF/services, as Flink loads reporter factories. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new Reporter();
        }
    }
}
