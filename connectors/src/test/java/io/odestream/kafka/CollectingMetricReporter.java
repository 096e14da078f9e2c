package io.odestream.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter for MiniCluster tests: keeps every counter, so a test can read the
 * final values after the job ended. Registered through META-INF/services.
 */
public final class CollectingMetricReporter implements MetricReporter {

    private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

    /** Adds this reporter to a MiniCluster configuration. */
    static Configuration enable(Configuration conf) {
        conf.setString("metrics.reporter.collect.factory.class", Factory.class.getName());
        return conf;
    }

    /** Sum over every subtask of the counters whose full identifier ends with {@code suffix}. */
    static long sum(String suffix) {
        return COUNTERS.entrySet().stream().filter(e -> e.getKey().substring(0, e.getKey().lastIndexOf('#')).endsWith(suffix))
                .mapToLong(e -> e.getValue().getCount()).sum();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (metric instanceof Counter counter) {
            COUNTERS.put(group.getMetricIdentifier(name) + "#" + System.identityHashCode(counter), counter);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept on purpose: tests read the final counts after the job has finished
    }

    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CollectingMetricReporter();
        }
    }
}
