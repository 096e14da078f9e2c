package io.odestream.cli;

import io.odestream.job.cli.KafkaOptions;
import io.odestream.job.cli.KafkaPreflight;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordLimits;
import io.odestream.kafka.RecordPublisher;
import io.odestream.kafka.TopicFollower;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.ForecastRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream forecast}: sends one forecast request to the running job and prints its answer. */
@Command(name = "forecast", mixinStandardHelpOptions = true,
        description = {"Ask the running job for a series' predictive distribution at any times and print the answer.",
                "The answer comes after about one checkpoint interval (the job commits its output at checkpoints: "
                + "run --checkpoint-interval, 10 s by default) and reflects the observations up to about the "
                + "out-of-orderness bound ago (run --out-of-orderness, 5 s); the last line says both."})
final class ForecastCommand implements Callable<Integer> {
    private static final Pattern OFFSET_PART = Pattern.compile("(\\d+)(ms|[dhms])");
    /**
     * The most posterior samples a request may ask for: the job's bound ({@link RecordLimits#MAX_SAMPLES}),
     * checked here so that a bad value fails at once, not after the timeout behind a dead-lettered request.
     */
    static final int MAX_SAMPLES = RecordLimits.MAX_SAMPLES;

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--series", required = true, description = "The series to forecast.")
    String series;

    @Option(names = "--at", required = true, split = ",", paramLabel = "TIME",
            description = "Query times: ISO-8601 instants (2024-01-01T00:05:00Z), epoch milliseconds, or ±DURATION "
                    + "from now (+30s, -5m, +1h30m, +1d, +250ms).")
    List<String> at;

    @Option(names = "--samples", description = "Monte-Carlo samples, 1 to " + MAX_SAMPLES + " (default: the job's).")
    Integer samples;

    @Option(names = "--timeout", defaultValue = "PT30S", description = "How long to wait for the answer (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (samples != null && (samples < 1 || samples > MAX_SAMPLES)) {
            throw new IllegalArgumentException("--samples " + samples + " is out of range: ask for 1 to " + MAX_SAMPLES
                    + " posterior samples, or leave it out for the job's default");
        }
        List<Instant> times = new ArrayList<>();
        for (String t : at) {
            times.add(parseTime(t, Instant.now()));
        }
        // a dead broker or missing topics: one line within seconds, not a minute of retries and a stack trace
        KafkaPreflight.requireTopics(kafka.settings(), List.of(OdeTopic.FORECAST_REQUESTS, OdeTopic.FORECASTS),
                KafkaPreflight.DEFAULT_WAIT);
        String id = "cli-" + UUID.randomUUID();
        CompletableFuture<Forecast> answer = new CompletableFuture<>();
        try (TopicFollower<Forecast> follower = new TopicFollower<>(kafka.settings(), OdeTopic.FORECASTS, Forecast.class,
                f -> {
                    if (f.getRequestId().equals(id)) {
                        answer.complete(f);
                    }
                }, problem -> { }); RecordPublisher publisher = new RecordPublisher(kafka.settings())) {
            Instant sent = Instant.now();
            publisher.sendNow(OdeTopic.FORECAST_REQUESTS, ForecastRequest.newBuilder().setRequestId(id).setSeriesId(series)
                    .setQueryTimes(times).setSamples(samples).setRequestedAt(sent).build());
            Forecast f;
            try {
                f = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new CommandFailedException("no answer to request " + id + " within " + timeout + " on topic "
                        + kafka.topic(OdeTopic.FORECASTS) + "; is the job running (odestream run / demo --follow) and "
                        + "reading " + kafka.topic(OdeTopic.FORECAST_REQUESTS) + "?");
            }
            if (f.getError() != null) {
                throw new CommandFailedException("the job could not answer: " + f.getError());
            }
            lines(f).forEach(out::println);
            out.println(timing(Duration.between(sent, Instant.now()), f.getStateTime(), Instant.now()));
            out.flush();
        }
        return 0;
    }

    /**
     * The answer as printed: a header, then one line per query time with each channel's mean ± stddev
     * and 90 % interval, under the channel's name (ch0, ch1, ... when the model names none).
     */
    static List<String> lines(Forecast f) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "series %s, model v%d, state at %s, %d samples", f.getSeriesId(),
                f.getModelVersion(), f.getStateTime(), f.getSamples()));
        List<String> names = f.getChannels();
        for (ForecastPoint p : f.getPoints()) {
            StringBuilder line = new StringBuilder(p.getTime().toString());
            for (int j = 0; j < p.getMean().size(); j++) {
                String name = names != null && j < names.size() ? names.get(j) : "ch" + j;
                line.append(String.format(Locale.ROOT, "  %s %.3f ± %.3f [%.3f, %.3f]", name, p.getMean().get(j),
                        p.getStddev().get(j), p.getQ05().get(j), p.getQ95().get(j)));
            }
            if (p.getError() != null) {
                line.append("  not answered: ").append(p.getError());
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * Where the answer's delay and age come from: the job writes answers in Kafka transactions
     * committed at its checkpoints (the round trip is about a checkpoint interval), and it absorbs an
     * observation only once event time passes it (the state trails the newest data by about the
     * out-of-orderness bound).
     */
    static String timing(Duration roundTrip, Instant stateTime, Instant now) {
        Duration age = stateTime == null ? null : Duration.between(stateTime, now);
        return String.format(Locale.ROOT, "answered in %.1f s (the job commits answers at its checkpoints: up to "
                        + "run's --checkpoint-interval); %s", roundTrip.toMillis() / 1000.0,
                age == null ? "no state time in the answer"
                        : age.isNegative() || age.toDays() < 1
                        ? String.format(Locale.ROOT, "the state is %.1f s old (the job absorbs an observation once "
                                + "event time passes it: about run's --out-of-orderness behind the newest)",
                                age.toMillis() / 1000.0)
                        : "the state is at " + stateTime + ", " + age.toDays() + " days before now (the series' "
                                + "event times are in the past)");
    }

    static Instant parseTime(String text, Instant now) {
        String t = text.trim();
        try {
            if (t.startsWith("+") || t.startsWith("-")) {
                Duration offset = offset(t.substring(1).toLowerCase(Locale.ROOT));
                return t.startsWith("+") ? now.plus(offset) : now.minus(offset);
            }
            if (t.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(t));
            }
            return Instant.parse(t);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("--at '" + text + "' is not a time: use an ISO-8601 instant "
                    + "(2024-01-01T00:05:00Z), epoch milliseconds, or ±DURATION from now such as +30s, -5m, +1h30m, "
                    + "+1d, +250ms");
        }
    }

    /**
     * An offset such as {@code 1h30m}, {@code 1d} or {@code 250ms}; anything else goes to ISO-8601's
     * time part ({@code 1.5s} as {@code PT1.5S}), so fractional seconds keep working.
     */
    private static Duration offset(String body) {
        Matcher part = OFFSET_PART.matcher(body);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "ms" -> Duration.ofMillis(n);
                default -> Duration.ofSeconds(n);
            });
            end = part.end();
        }
        if (end > 0 && end == body.length()) {
            return total;
        }
        return Duration.parse("PT" + body.toUpperCase(Locale.ROOT));
    }
}
