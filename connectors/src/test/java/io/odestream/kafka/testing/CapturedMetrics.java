package io.odestream.kafka.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.NoOpMetricRegistry;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * The metrics an operator registers in an operator test harness, readable by the test: give the
 * harness {@link #environment()} and read a counter by its group and name, e.g.
 * {@code counter("odestream", "decoded")} or {@code counter("deadLetters", "UNDECODABLE")}.
 */
public final class CapturedMetrics extends NoOpMetricRegistry {
    private final Map<String, Metric> metrics = new ConcurrentHashMap<>();

    @Override
    public void register(Metric metric, String name, AbstractMetricGroup<?> group) {
        String[] scope = group.getScopeComponents();
        metrics.put((scope.length == 0 ? "" : scope[scope.length - 1]) + "." + name, metric);
    }

    /** A mock task environment whose metric group registers here. */
    public MockEnvironment environment() {
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(this, "localhost",
                ResourceID.generate()).addJob(new JobID(), "job").addTask(ExecutionAttemptID.randomId(), "task");
        return new MockEnvironmentBuilder().setMetricGroup(task).build();
    }

    /** The count of counter {@code name} in the group whose last scope component is {@code group}. */
    public long counter(String group, String name) {
        Metric m = metrics.get(group + "." + name);
        if (!(m instanceof Counter c)) {
            throw new AssertionError("no counter " + group + "." + name + " was registered; registered: "
                    + metrics.keySet());
        }
        return c.getCount();
    }
}
