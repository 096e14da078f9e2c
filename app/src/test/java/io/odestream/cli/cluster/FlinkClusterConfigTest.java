package io.odestream.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster's configuration as Flink itself reads it, and the launch flags derived from it. */
class FlinkClusterConfigTest {
    @TempDir
    Path dir;

    private Configuration written(ClusterSpec spec) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), FlinkClusterConfig.yaml(spec, 6123, 8081, dir.resolve("tmp")));
        return GlobalConfiguration.loadConfiguration(dir.toString());
    }

    @Test
    void everyAddressIsLoopbackAndHeartbeatsDropADeadTaskManagerWithinTenSeconds() throws Exception {
        Map<String, String> conf = written(new ClusterSpec(0, 2, 2, "1g", "1536m", true)).toMap();
        for (String key : List.of("jobmanager.rpc.address", "jobmanager.bind-host", "taskmanager.host",
                "taskmanager.bind-host", "rest.address", "rest.bind-address")) {
            assertEquals("127.0.0.1", conf.get(key), key);
        }
        assertEquals("10000", conf.get("heartbeat.timeout"));
        assertEquals("fixed-delay", conf.get("restart-strategy.type"));
        assertEquals("slots", conf.get("taskmanager.load-balance.mode"), "subtasks spread over the TaskManagers");
        assertEquals("2", conf.get("taskmanager.numberOfTaskSlots"));
    }

    @Test
    void aTaskManagerGetsItsMemoryFlagsAndTheResourceSettingsItCannotStartWithout() throws Exception {
        written(new ClusterSpec(0, 2, 2, "1g", "1536m", true));
        FlinkClusterConfig.Launch tm = FlinkClusterConfig.taskManager(dir);
        assertTrue(tm.jvmFlags().stream().anyMatch(f -> f.startsWith("-Xmx")), tm.jvmFlags().toString());
        assertTrue(tm.jvmFlags().stream().anyMatch(f -> f.startsWith("-XX:MaxDirectMemorySize=")), tm.jvmFlags().toString());
        Map<String, String> settings = dynamicSettings(tm);
        assertTrue(settings.containsKey("taskmanager.cpu.cores"), "without it a TaskManager fails to start: " + settings);
        assertTrue(settings.containsKey("taskmanager.memory.task.heap.size"), settings.toString());

        FlinkClusterConfig.Launch jm = FlinkClusterConfig.jobManager(dir);
        assertTrue(jm.jvmFlags().stream().anyMatch(f -> f.startsWith("-Xmx")), jm.jvmFlags().toString());
    }

    /** "-D key=value" pairs, as TaskManagerRunner reads them after the main class. */
    private static Map<String, String> dynamicSettings(FlinkClusterConfig.Launch launch) {
        List<String> args = launch.dynamicSettings();
        for (int i = 0; i < args.size(); i += 2) {
            assertEquals("-D", args.get(i), "settings come as -D key=value: " + args);
        }
        return java.util.stream.IntStream.range(0, args.size() / 2).mapToObj(i -> args.get(2 * i + 1).split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    }
}
