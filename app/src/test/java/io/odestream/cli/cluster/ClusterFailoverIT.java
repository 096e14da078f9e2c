package io.odestream.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.odestream.alert.AlertPolicy;
import io.odestream.cli.Odestream;
import io.odestream.demo.DemoModel;
import io.odestream.job.forecast.DemoTraffic;
import io.odestream.job.forecast.ExactlyOnceVerdict;
import io.odestream.job.forecast.OfflineReplay;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.kafka.TopicSetup;
import io.odestream.registry.testing.TestRegistry;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forecasting job on a real multi-process Flink cluster (issue 22): {@code odestream cluster start}'s
 * JobManager, two TaskManagers and broker, each its own process on 127.0.0.1; the lean job jar submitted
 * by {@code odestream run --cluster}; one TaskManager SIGKILLed while the stream flows. A read_committed
 * consumer must then see what an uninterrupted run gives: every alert of the offline replay of the whole
 * stream once, every forecast request answered once from series state that survived the kill. The
 * surviving TaskManager's spare slots take the work: nothing restarts a killed TaskManager.
 */
class ClusterFailoverIT {
    private static final Pattern SUBMITTED = Pattern.compile("as job ([0-9a-f]{32})");
    private static final String KILLED = ClusterSpec.taskManager(1);
    private static final String SURVIVOR = ClusterSpec.taskManager(2);

    @TempDir
    Path dir;
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    @Test
    void aTaskManagerKilledMidStreamCostsNoAlertAndNoAnswer() throws Exception {
        ClusterDirectory clusterDir = new ClusterDirectory(dir.resolve("cluster"));
        LocalCluster cluster = new LocalCluster(clusterDir);
        try {
            long startedAt = System.nanoTime();
            StringWriter startOutput = new StringWriter();
            cluster.start(new ClusterSpec(0, 2, 2, "1g", "1536m", true), new PrintWriter(startOutput, true));
            System.out.printf("cluster: started in %.1f s%n%s", (System.nanoTime() - startedAt) / 1e9, startOutput);
            String rest = clusterDir.endpoint(ClusterDirectory.REST).orElseThrow();
            run(clusterDir, rest);
        } finally {
            cluster.stop();
            keepLogs(clusterDir);
        }
    }

    /** The cluster's logs in target/cluster-logs, for the reader of a failed run. */
    private static void keepLogs(ClusterDirectory clusterDir) throws java.io.IOException {
        Path kept = Files.createDirectories(Path.of("target", "cluster-logs"));
        try (var logs = Files.list(clusterDir.log(LocalCluster.JOB_MANAGER).getParent())) {
            for (Path log : logs.toList()) {
                Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private void run(ClusterDirectory clusterDir, String rest) throws Exception {
        KafkaSettings kafka = KafkaSettings.builder(clusterDir.endpoint(ClusterDirectory.BOOTSTRAP).orElseThrow())
                .topicPrefix("cluster-").transactionalIdPrefix("cluster-job").build();
        try (TopicSetup setup = new TopicSetup(kafka)) {
            assertTrue(setup.ensure(TopicSetup.defaultTopics("cluster-", 2, (short) 1)).ok(), "topics created");
        }
        TestRegistry registry = TestRegistry.on(kafka).writeKeys(dir.resolve("keys"), "test");
        registry.serve(DemoModel.bundled(), "served on the cluster");
        DemoTraffic.Scenario traffic = DemoTraffic.Scenario.demo();

        ConcurrentLinkedQueue<Forecast> forecasts = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<AnomalyAlert> alerts = new ConcurrentLinkedQueue<>();
        try (RecordPublisher publisher = new RecordPublisher(kafka);
             TopicFollower<Forecast> f = new TopicFollower<>(kafka, OdeTopic.FORECASTS, Forecast.class, forecasts::add,
                     problems::add);
             TopicFollower<AnomalyAlert> a = new TopicFollower<>(kafka, OdeTopic.ALERTS, AnomalyAlert.class, alerts::add,
                     problems::add)) {
            DemoTraffic.publish(publisher, traffic.beforeFault());
            String jobId = submit(rest, kafka);
            await(() -> forecasts.size() >= 12 && completedCheckpoints(rest, jobId) > 0,
                    "committed forecasts and a completed checkpoint on the cluster");
            assertTrue(busySlots(rest).getOrDefault(KILLED, 0) > 0, "the job runs on " + KILLED + " too: "
                    + busySlots(rest));

            Thread feeder = new Thread(() -> DemoTraffic.publishPaced(publisher, traffic.afterFault()));
            feeder.start();
            Thread.sleep(2_500);
            ProcessHandle victim = clusterDir.running(KILLED).orElseThrow();
            victim.destroyForcibly(); // SIGKILL: no shutdown of its tasks, open transactions left behind
            victim.onExit().get(30, TimeUnit.SECONDS);
            long killedAt = System.nanoTime();
            int beforeKill = forecasts.size();
            await(() -> forecasts.size() > beforeKill, "the first forecast after the kill");
            double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;
            feeder.join();
            DemoTraffic.endOfStream(traffic.stream(), 2).forEach(o -> publisher.sendNow(OdeTopic.OBSERVATIONS, o));
            await(() -> forecasts.size() >= traffic.requests().size(), "every request answered");
            ExactlyOnceVerdict.quiet(alerts, forecasts);
            Map<String, Integer> afterwards = busySlots(rest);
            System.out.printf("cluster: %s SIGKILLed with %d of %d forecasts committed; first forecast after the kill "
                    + "%.1f s later; then %d forecasts, %d alerts; busy slots per TaskManager afterwards %s%n", KILLED,
                    beforeKill, traffic.requests().size(), recoverySeconds, forecasts.size(), alerts.size(), afterwards);
            assertEquals(Map.of(SURVIVOR, 2), afterwards,
                    "the surviving TaskManager's spare slot took the killed one's work; the killed one stays gone");
            assertEquals("RUNNING", ClusterOverview.get(rest, "/jobs/" + jobId).path("state").asText());
        }
        assertTrue(problems.isEmpty(), "topic followers: " + problems);

        ExactlyOnceVerdict.everyRequestAnsweredOnce(traffic.requests(), forecasts, DemoModel.VERSION);
        // What `run` builds with the options above (RunCommand.alertPolicy: the product's defaults, --alert-floor
        // 8.0, the warm-up |z| rule, escalation and tail): a hand-built approximation without those agreed with
        // the job only on the first demo model's scores.
        AlertPolicy policy = AlertPolicy.defaults().withFloor(8.0);
        ExactlyOnceVerdict.alertsOfTheReplay(OfflineReplay.alerts(traffic.stream().observations(), DemoModel.bundled(), policy, 16),
                alerts);
    }

    /** {@code odestream run --cluster}, as a user types it; returns the job id it prints. */
    private String submit(String rest, KafkaSettings kafka) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Odestream.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(
                "run", "--cluster", rest, "--job-jar", Path.of("..", "stream-jobs", "target", "odestream-job.jar").toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", "cluster-",
                "--model", DemoModel.MODEL_ID, "--keys", dir.resolve("keys").toString(), "--parallelism", "2",
                "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--checkpoint-interval", "PT1S");
        assertEquals(0, exit, "run --cluster: " + out + err);
        Matcher m = SUBMITTED.matcher(out.toString());
        assertTrue(m.find(), "run --cluster prints the job id: " + out);
        return m.group(1);
    }

    private static int completedCheckpoints(String rest, String jobId) {
        try {
            return ClusterOverview.get(rest, "/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Busy slots of each registered TaskManager, by its resource id. */
    private static Map<String, Integer> busySlots(String rest) throws Exception {
        Map<String, Integer> busy = new HashMap<>();
        for (JsonNode tm : ClusterOverview.get(rest, "/taskmanagers").path("taskmanagers")) {
            busy.put(tm.path("id").asText(), tm.path("slotsNumber").asInt() - tm.path("freeSlots").asInt());
        }
        return busy;
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        ExactlyOnceVerdict.await(problems, condition, what);
    }
}
