package io.odestream.cli.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * Flink's configuration of a local cluster ({@code conf/config.yaml}) and the JVM flags its processes
 * start with. Everything binds to 127.0.0.1. Heartbeats are short (2 s, timeout 10 s): with Flink's
 * defaults (10 s, 50 s) a SIGKILLed TaskManager stays registered for most of a minute, and each restart
 * that tries to deploy into its slots fails and uses up the restart budget.
 */
final class FlinkClusterConfig {
    /**
     * Flink's own {@code env.java.opts.all} for Java 17: without them submitting a job fails with
     * {@code InaccessibleObjectException ... does not "opens java.util"}. The Vector API module is
     * odestream's (ode-core's MLP kernels).
     */
    static final List<String> JAVA_17_OPTIONS = List.of(
            "--add-modules", "jdk.incubator.vector",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private FlinkClusterConfig() {
    }

    /** The text of {@code config.yaml}. */
    static String yaml(ClusterSpec spec, int rpcPort, int restPort, Path tmpDir) {
        return String.join("\n",
                "# written by `odestream cluster start`; every process of this cluster reads it",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "jobmanager.memory.process.size: " + spec.jobManagerMemory(),
                "taskmanager.memory.process.size: " + spec.taskManagerMemory(),
                "taskmanager.numberOfTaskSlots: " + spec.slotsPerTaskManager(),
                "parallelism.default: " + Math.min(2, spec.taskManagers() * spec.slotsPerTaskManager()),
                // a job's subtasks over all TaskManagers, so that losing one leaves free slots on the others
                "taskmanager.load-balance.mode: slots",
                "restart-strategy.type: fixed-delay",
                "restart-strategy.fixed-delay.attempts: 30",
                "restart-strategy.fixed-delay.delay: 1 s",
                "heartbeat.interval: 2000",
                "heartbeat.timeout: 10000",
                "io.tmp.dirs: " + tmpDir,
                "");
    }

    /** Log4j 2 for the cluster's processes: one file per process, named by {@code -Dlog.file}. */
    static String log4j() {
        return String.join("\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "appender.file.type = File",
                "appender.file.name = file",
                "appender.file.fileName = ${sys:log.file}",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "logger.kafka.name = org.apache.kafka",
                "logger.kafka.level = WARN",
                "");
    }

    /**
     * The JobManager's memory flags, as {@code BashJavaUtils GET_JM_RESOURCE_PARAMS} (what Flink's scripts
     * call) derives them from the configuration; its dynamic {@code -D} settings go after the main class.
     */
    static Launch jobManager(Path configDir) {
        Configuration conf = GlobalConfiguration.loadConfiguration(configDir.toString());
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(conf);
        return new Launch(split(JobManagerProcessUtils.generateJvmParametersStr(spec, conf)),
                split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
    }

    /**
     * A TaskManager's memory flags and dynamic settings, as {@code BashJavaUtils GET_TM_RESOURCE_PARAMS}
     * derives them: without the settings a TaskManager fails "'taskmanager.cpu.cores' ... is not set".
     */
    static Launch taskManager(Path configDir) {
        Configuration conf = GlobalConfiguration.loadConfiguration(configDir.toString());
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        return new Launch(split(ProcessMemoryUtils.generateJvmParametersStr(spec)),
                split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
    }

    private static List<String> split(String flags) {
        return new ArrayList<>(Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList());
    }

    /** JVM flags before the main class, Flink's dynamic settings ({@code -D key=value}) after it. */
    record Launch(List<String> jvmFlags, List<String> dynamicSettings) {
    }
}
