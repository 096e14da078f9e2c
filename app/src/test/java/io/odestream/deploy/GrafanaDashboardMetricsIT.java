package io.odestream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.job.cli.RunCommand;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.job.forecast.ForecastJobConfig.ModelSource;
import io.odestream.job.forecast.UpdaterSettings;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.SigningKeys;
import io.odestream.registry.TrustedKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Grafana dashboard (deploy/grafana/dashboards/odestream.json) queries only metrics the job
 * really exposes, under the names Flink's Prometheus reporter gives them: the forecasting job runs
 * on a MiniCluster with the reporter docker-compose.yml configures (as `run --prometheus-port` does),
 * against a real broker, and its endpoint is read until every metric the dashboard names is there
 * (registered when the operators open and the job starts: no data needs to flow).
 */
class GrafanaDashboardMetricsIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    /** A metric name in a query; one followed by a regex wildcard (a {@code __name__=~} match) is a prefix. */
    private static final Pattern QUERIED = Pattern.compile("(flink_[A-Za-z0-9_:]+)(\\.[*+])?");
    /** A sample line of the Prometheus text format: name, labels. */
    private static final Pattern SAMPLE = Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(\\{[^}]*})?\\s");
    private static final Pattern JOB_NAME = Pattern.compile("job_name=\"([^\"]*)\"");

    @Test
    void everyMetricTheDashboardQueriesIsOneTheRunningJobExposesWithItsJobName() throws Exception {
        Map<String, Boolean> queried = queriedMetrics(RepositoryFiles.read("deploy/grafana/dashboards/odestream.json"));
        assertTrue(queried.size() >= 10, "the dashboard's metrics: " + queried.keySet());
        KafkaSettings kafka = KAFKA.topics("grafana-", "grafana-job");
        int port = freePort();
        UpdaterSettings updater = UpdaterSettings.defaults(DemoModel.MODEL_ID,
                new ArtifactVerifier(TrustedKeys.of(SigningKeys.generate().getPublic())));
        ForecastJobConfig config = ForecastJobConfig.defaults(kafka, updater).withModelSource(ModelSource.TOPIC)
                .withCheckpoints(Duration.ofMillis(500), null).withPrometheusPort(port);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration());
        env.setParallelism(1);
        ForecastJob.build(env, config);
        String jobName = RunCommand.jobName(DemoModel.MODEL_ID);
        JobClient job = env.executeAsync(jobName);
        try {
            Map<String, Set<String>> exposed = Map.of();
            Set<String> missing = queried.keySet();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(250);
                exposed = exposedMetrics(port);
                missing = missing(queried, exposed.keySet());
            }
            assertEquals(Set.of(), missing, "queried by the dashboard, not exposed by the job; exposed: "
                    + new TreeSet<>(exposed.keySet()));
            // The dashboard's $job variable and every panel select by job_name. The reporter writes
            // label values as it writes names: what Prometheus names do not allow becomes '_'.
            String label = jobName.replaceAll("[^A-Za-z0-9_]", "_");
            for (Map.Entry<String, Boolean> q : queried.entrySet()) {
                for (Map.Entry<String, Set<String>> e : exposed.entrySet()) {
                    if (q.getValue() ? e.getKey().startsWith(q.getKey()) : e.getKey().equals(q.getKey())) {
                        assertEquals(Set.of(label), e.getValue(), e.getKey() + " carries the job's name");
                    }
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aNameTheJobDoesNotRegisterIsMissing() {
        Map<String, Boolean> queried = queriedMetrics("sum(rate(flink_taskmanager_job_task_operator_odestream_alerts[5m]))"
                + " {__name__=~\"flink_taskmanager_job_task_operator_odestream_deadLetters_.+\"}");
        Set<String> exposed = Set.of("flink_taskmanager_job_task_operator_odestream_anomalyAlerts",
                "flink_taskmanager_job_task_operator_odestream_deadLetters_UNDECODABLE");
        assertEquals(Set.of("flink_taskmanager_job_task_operator_odestream_alerts"), missing(queried, exposed));
        assertFalse(queried.get("flink_taskmanager_job_task_operator_odestream_alerts"));
        assertTrue(queried.get("flink_taskmanager_job_task_operator_odestream_deadLetters_"));
    }

    /** Every metric name in the text, true where it is a prefix ({@code name.+} or {@code name.*}). */
    private static Map<String, Boolean> queriedMetrics(String text) {
        Map<String, Boolean> names = new HashMap<>();
        Matcher m = QUERIED.matcher(text);
        while (m.find()) {
            names.merge(m.group(1), m.group(2) != null, (a, b) -> a && b);
        }
        return names;
    }

    private static Set<String> missing(Map<String, Boolean> queried, Set<String> exposed) {
        Set<String> missing = new TreeSet<>();
        queried.forEach((name, prefix) -> {
            boolean found = prefix ? exposed.stream().anyMatch(e -> e.startsWith(name)) : exposed.contains(name);
            if (!found) {
                missing.add(name);
            }
        });
        return missing;
    }

    /** Metric name to the job_name labels it carries, from the reporter's endpoint (empty while it is not up). */
    private static Map<String, Set<String>> exposedMetrics(int port) throws InterruptedException {
        String body;
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            body = response.body();
        } catch (IOException e) {
            return Map.of();
        }
        Map<String, Set<String>> metrics = new HashMap<>();
        for (String line : body.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.find()) {
                continue;
            }
            Set<String> jobs = metrics.computeIfAbsent(m.group(1), k -> new HashSet<>());
            Matcher job = JOB_NAME.matcher(m.group(2) == null ? "" : m.group(2));
            if (job.find()) {
                jobs.add(job.group(1));
            }
        }
        return metrics;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
