package io.odestream.cli;

import io.odestream.dashboard.Dashboard;
import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.job.forecast.ForecastJob;
import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.job.forecast.UpdaterSettings;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.kafka.TopicSetup;
import io.odestream.kafka.broker.EmbeddedKafkaBroker;
import io.odestream.registry.ArtifactSigner;
import io.odestream.registry.ArtifactVerifier;
import io.odestream.registry.SigningKeys;
import io.odestream.registry.TrustedKeys;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.train.Trainer;
import java.io.PrintWriter;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code odestream demo}: the product on one machine. An embedded Kafka broker and a Flink
 * MiniCluster run the forecasting job over a generated multi-channel sensor stream (irregular
 * times, missing channels, injected anomalies); forecasts and alerts are printed as the job commits
 * them, then a summary measured against the generator's ground truth.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the forecasting job on an embedded Kafka broker and a Flink MiniCluster over a generated "
                + "sensor stream; print forecasts and alerts as they come, then a summary.")
public final class DemoCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String PREFIX = "demo-";

    @Spec
    CommandSpec spec;

    @Option(names = "--series", defaultValue = "12", description = "series in the generated stream (default ${DEFAULT-VALUE})")
    int series;

    @Option(names = "--minutes", defaultValue = "10", description = "event-time length of the stream, >= 6 (default ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--seed", defaultValue = "20240101", description = "seed of the generated stream (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--train", paramLabel = "ITERATIONS",
            description = "train the model now for this many iterations instead of loading the bundled one")
    Integer train;

    @Option(names = "--follow", description = "keep the job and the broker running after the stream (Ctrl-C stops)")
    boolean follow;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--no-dashboard", negatable = false, description = "do not serve the live dashboard")
    boolean noDashboard;

    @Option(names = "--dashboard-port", defaultValue = "8080",
            description = "port of the live dashboard (default ${DEFAULT-VALUE}; 0: any free port)")
    int dashboardPort;

    @Option(names = "--dashboard-linger", paramLabel = "DURATION", defaultValue = "PT1M",
            description = "how long the dashboard stays up after the summary, e.g. PT5M (default ${DEFAULT-VALUE}; "
                    + "Ctrl-C ends sooner; --follow keeps it up with the job)")
    Duration dashboardLinger;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (series < 1 || minutes < 6 || parallelism < 1) {
            // 6 minutes: the 2-minute anomaly-free warm-up plus room for three anomalies per series
            throw new IllegalArgumentException("--series and --parallelism must be >= 1 and --minutes >= 6");
        }
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(series)
                .withSpan(Duration.ofMinutes(minutes)).withSeed(seed));
        out.println("odestream demo: a latent-ODE filter per series, in Flink, over Kafka");
        out.flush();
        long started = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            out.printf(Locale.ROOT, "1. Kafka broker at %s (started in %.1f s)%n", broker.bootstrapServers(),
                    broker.startupTime().toMillis() / 1000.0);
            KafkaSettings kafka = KafkaSettings.builder(broker.bootstrapServers()).topicPrefix(PREFIX)
                    .transactionalIdPrefix("odestream-demo").build();
            try (TopicSetup setup = new TopicSetup(kafka)) {
                setup.ensure(TopicSetup.defaultTopics(PREFIX, parallelism, (short) 1));
            }
            try (Dashboard dashboard = dashboard(out, kafka)) {
                return run(out, stream, kafka, broker.bootstrapServers(), started, dashboard != null);
            }
        }
    }

    /** The live page of the demo's topics, or null with --no-dashboard or when its port cannot be bound. */
    private Dashboard dashboard(PrintWriter out, KafkaSettings kafka) {
        if (noDashboard) {
            return null;
        }
        try {
            Dashboard dashboard = DashboardLauncher.start(kafka, "127.0.0.1", dashboardPort);
            out.println("   dashboard at " + dashboard.url() + " (live while the demo runs)");
            return dashboard;
        } catch (CommandFailedException e) {
            out.println("   no dashboard: " + e.getMessage() + " (--dashboard-port N, or --no-dashboard)");
            return null;
        } finally {
            out.flush();
        }
    }

    private int run(PrintWriter out, DemoStream stream, KafkaSettings kafka, String bootstrapServers, long started,
                    boolean dashboard) throws Exception {
        KeyPair keys = SigningKeys.generate();
        ModelArtifact model = ArtifactSigner.of(keys).sign(model(out, stream));
        List<ForecastRequest> requests = DemoSetup.requests(stream);
        try (RecordPublisher publisher = new RecordPublisher(kafka)) {
            publisher.send(OdeTopic.MODELS, model);
            stream.observations().forEach(o -> publisher.send(OdeTopic.OBSERVATIONS, o));
            requests.forEach(r -> publisher.send(OdeTopic.FORECAST_REQUESTS, r));
        }
        out.printf(Locale.ROOT, "3. Published model '%s' v%d (signed), %d observations of %d series (%d anomalies "
                + "injected), %d forecast requests%n", model.getModelId(), model.getVersion(), stream.size(),
                stream.seriesIds().size(), stream.anomalies().size(), requests.size());
        out.println("4. Running the job (parallelism " + parallelism + "); output as it is committed:");
        out.flush();

        Map<String, Forecast> forecasts = new ConcurrentHashMap<>();
        List<AnomalyAlert> alerts = Collections.synchronizedList(new ArrayList<>());
        try (TopicFollower<Forecast> f = new TopicFollower<>(kafka, OdeTopic.FORECASTS, Forecast.class, x -> {
                forecasts.put(x.getRequestId(), x);
                print(out, x, stream);
            }, problem -> out.println("   ! " + problem));
             TopicFollower<AnomalyAlert> a = new TopicFollower<>(kafka, OdeTopic.ALERTS, AnomalyAlert.class, x -> {
                 alerts.add(x);
                 print(out, x, stream);
             }, problem -> out.println("   ! " + problem))) {
            ForecastJobConfig config = ForecastJobConfig.defaults(kafka,
                            UpdaterSettings.defaults(model.getModelId(), new ArtifactVerifier(TrustedKeys.of(keys.getPublic())))
                                    .withMonitor(DemoSetup.monitorSettings()))
                    .withBounded(!follow)
                    .withModelSource(ForecastJobConfig.ModelSource.TOPIC) // the demo publishes, no registry
                    .withCheckpoints(Duration.ofSeconds(1), null)
                    .withEventTime(Duration.ofSeconds(2), Duration.ofSeconds(2));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                    new Configuration());
            ForecastJob.build(env, config);
            long jobStart = System.nanoTime();
            if (follow) {
                out.println("   (--follow: the job keeps running; produce more with `odestream produce --bootstrap-servers "
                        + bootstrapServers + " --topic-prefix " + PREFIX + " ...`; Ctrl-C stops)");
                out.flush();
                env.execute("odestream demo");
                return 0;
            }
            env.execute("odestream demo");
            double jobSeconds = (System.nanoTime() - jobStart) / 1e9;
            waitUntilQuiet(f, a);
            summary(out, stream, alerts, forecasts, requests, jobSeconds, (System.nanoTime() - started) / 1e9);
            if (dashboard) {
                linger(out);
            }
        }
        return 0;
    }

    /** Keeps the dashboard up after the summary; an interrupt (Ctrl-C's shutdown, a test) ends it early. */
    private void linger(PrintWriter out) {
        if (dashboardLinger.isNegative() || dashboardLinger.isZero()) {
            return;
        }
        out.println("   the dashboard stays up for " + dashboardLinger.toSeconds() + " s (Ctrl-C ends sooner)");
        out.flush();
        try {
            Thread.sleep(dashboardLinger.toMillis());
        } catch (InterruptedException e) {
            // the interrupt was the request to stop lingering, now done: closing the broker and the followers
            // (which join their threads) must not see it again
        }
    }

    private ModelArtifact model(PrintWriter out, DemoStream stream) {
        if (train == null) {
            ModelArtifact bundled = DemoModel.bundled();
            out.printf(Locale.ROOT, "2. Model: the bundled latent ODE '%s' (%d parameters; trained by %s)%n",
                    bundled.getModelId(), bundled.getParameters().size(), DemoModel.class.getSimpleName());
            return bundled;
        }
        if (train < 1) {
            throw new IllegalArgumentException("--train must be >= 1 iteration, got " + train);
        }
        out.println("2. Training the latent ODE on an anomaly-free stream (" + train + " iterations, adjoint gradients):");
        out.flush();
        return DemoModel.train(DemoStream.generate(DemoModel.trainingConfig()), train,
                Trainer.ProgressListener.printing(line -> {
                    out.println("   " + line);
                    out.flush();
                }, Math.max(1, train / 10)));
    }

    private static void waitUntilQuiet(TopicFollower<?>... followers) throws InterruptedException {
        long last = -1;
        long now = 0;
        while (now != last) {
            last = now;
            Thread.sleep(1500);
            now = 0;
            for (TopicFollower<?> f : followers) {
                now += f.received();
            }
        }
    }

    private static synchronized void print(PrintWriter out, AnomalyAlert a, DemoStream stream) {
        long t = a.getEventTime().toEpochMilli();
        if (a.getKind() != AlertKind.ANOMALY) {
            out.printf(Locale.ROOT, "   %-6s %-10s %s %s%n", a.getKind(), a.getSeriesId(), CLOCK.format(a.getEventTime()),
                    a.getMessage());
        } else {
            int worst = 0;
            for (int j = 1; j < a.getChannelZScores().size(); j++) {
                if (Math.abs(zero(a.getChannelZScores().get(j))) > Math.abs(zero(a.getChannelZScores().get(worst)))) {
                    worst = j;
                }
            }
            String channel = stream.channelNames().get(worst);
            boolean injected = stream.isAnomalous(a.getSeriesId(), t);
            out.printf(Locale.ROOT, "   ALERT  %-10s %s  score %6.1f > %5.1f  p=%.3f  %s: %s expected %.2f ± %.2f (z %+.1f)  %s%n",
                    a.getSeriesId(), CLOCK.format(a.getEventTime()), a.getScore(), a.getThreshold(),
                    a.getAnomalyProbability() == null ? Double.NaN : a.getAnomalyProbability(), channel,
                    a.getObserved().get(worst) == null ? "missing" : String.format(Locale.ROOT, "%.2f", a.getObserved().get(worst)),
                    a.getExpected().get(worst), a.getExpectedStddev().get(worst), a.getChannelZScores().get(worst),
                    injected ? "[injected anomaly]" : "[no anomaly injected here]");
        }
        out.flush();
    }

    private static synchronized void print(PrintWriter out, Forecast f, DemoStream stream) {
        if (f.getError() != null) {
            out.printf(Locale.ROOT, "   FORECAST %-10s not answered: %s%n", f.getSeriesId(), f.getError());
        } else {
            ForecastPoint first = f.getPoints().get(0);
            ForecastPoint last = f.getPoints().get(f.getPoints().size() - 1);
            double[] truth = stream.truth(f.getSeriesId(), last.getTime().toEpochMilli());
            out.printf(Locale.ROOT, "   FORECAST %-8s from %s: %s in %ds %s, in %ds %s (truth %s)%n", f.getSeriesId(),
                    CLOCK.format(f.getStateTime()), stream.channelNames().get(0),
                    (first.getTime().toEpochMilli() - f.getStateTime().toEpochMilli()) / 1000, interval(first),
                    (last.getTime().toEpochMilli() - f.getStateTime().toEpochMilli()) / 1000, interval(last),
                    String.format(Locale.ROOT, "%.2f", truth[0]));
        }
        out.flush();
    }

    private static String interval(ForecastPoint p) {
        if (p.getError() != null) {
            return "not answered (" + p.getError() + ")";
        }
        return String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", p.getMean().get(0), p.getQ05().get(0), p.getQ95().get(0));
    }

    private static double zero(Double d) {
        return d == null || d.isNaN() ? 0 : d;
    }

    private static void summary(PrintWriter out, DemoStream stream, List<AnomalyAlert> alerts,
                                Map<String, Forecast> forecasts, List<ForecastRequest> requests, double jobSeconds,
                                double totalSeconds) {
        DemoSetup.Detection d = DemoSetup.Detection.of(stream, alerts);
        double error = 0;
        double baseline = 0;
        int n = 0;
        for (ForecastRequest r : requests) {
            Forecast f = forecasts.get(r.getRequestId());
            if (f == null || f.getError() != null) {
                continue;
            }
            double[] last = lastObserved(stream, r.getSeriesId(), r.getAsOf().toEpochMilli());
            for (ForecastPoint p : f.getPoints()) {
                if (p.getError() != null) {
                    continue; // a refused point has no number to score
                }
                double[] truth = stream.truth(r.getSeriesId(), p.getTime().toEpochMilli());
                for (int j = 0; j < truth.length; j++) {
                    error += Math.abs(p.getMean().get(j) - truth[j]);
                    baseline += Math.abs(last[j] - truth[j]);
                    n++;
                }
            }
        }
        out.println("5. Summary");
        out.printf(Locale.ROOT, "   events processed      %d observations of %d series in %.1f s of job time (%.1f s in all)%n",
                stream.size(), stream.seriesIds().size(), jobSeconds, totalSeconds);
        out.printf(Locale.ROOT, "   anomaly alerts        %d: %d of %d injected anomalies found, %d false alarms (no anomaly injected there)%n",
                d.alerts(), d.found(), d.injected(), d.falseAlarms());
        out.printf(Locale.ROOT, "   forecasts             %d of %d requests answered%n", forecasts.size(), requests.size());
        out.printf(Locale.ROOT, "   forecast error        mean |forecast - truth| %.3f over %d values (last observed value: %.3f)%n",
                n == 0 ? Double.NaN : error / n, n, n == 0 ? Double.NaN : baseline / n);
        out.flush();
    }

    /** The naive forecast: each channel's last observed value before {@code asOf}. */
    private static double[] lastObserved(DemoStream stream, String series, long asOf) {
        double[] last = new double[stream.channelNames().size()];
        for (Observation o : stream.observations()) {
            if (o.getSeriesId().equals(series) && o.getEventTime().toEpochMilli() <= asOf) {
                for (int j = 0; j < last.length; j++) {
                    if (o.getValues().get(j) != null) {
                        last[j] = o.getValues().get(j);
                    }
                }
            }
        }
        return last;
    }
}
