package io.odestream.job.forecast;

import io.odestream.job.forecast.PosteriorUpdaterPropertyTest.Advance;
import io.odestream.job.forecast.PosteriorUpdaterPropertyTest.Ask;
import io.odestream.job.forecast.PosteriorUpdaterPropertyTest.Observe;
import io.odestream.job.forecast.PosteriorUpdaterPropertyTest.Step;
import io.odestream.kafka.RecordLimits;
import io.odestream.kafka.testing.SeededDraws;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Random and adversarial input sequences for the per-series operator's property test, from one
 * seed: 1–15 steps, observations, requests and watermarks 5:3:1, with explicit edge values (NaN,
 * ±Inf, 1e308, duplicate, negative and a-year-ahead times, 0/1025/10 000 channels, 1024/1025/10 000
 * query times, absurd sample counts, empty, blank and 100 000-char ids) as often as plain ones.
 */
final class AdversarialSteps {
    private final SeededDraws draw;
    private final long t0;

    AdversarialSteps(long seed, long t0) {
        this.draw = new SeededDraws(seed);
        this.t0 = t0;
    }

    List<Step> steps() {
        return draw.list(1, 15, () -> switch (draw.weighted(5, 3, 1)) {
            case 0 -> observation();
            case 1 -> request();
            default -> new Advance(time());
        });
    }

    private Step observation() {
        String id = seriesId();
        long t = time();
        return new Observe(Observation.newBuilder().setSeriesId(id).setEventTime(Instant.ofEpochMilli(t))
                .setValues(values()).build());
    }

    private Step request() {
        String id = seriesId();
        List<Instant> queryTimes = draw.chance(0.5)
                ? draw.list(0, 4, () -> Instant.ofEpochMilli(time()))
                : LongStream.range(0, draw.pick(100, 1024, 1025, 10_000))
                        .mapToObj(i -> Instant.ofEpochMilli(t0 + i * 10)).toList();
        Integer samples = draw.chance(0.5) ? null
                : draw.pick(0, -1, 1, 16, 4096, 4097, 1_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE);
        Instant asOf = draw.chance(0.5) ? null : Instant.ofEpochMilli(time());
        return new Ask(ForecastRequest.newBuilder().setRequestId("r").setSeriesId(id).setQueryTimes(queryTimes)
                .setSamples(samples).setAsOf(asOf).build());
    }

    private String seriesId() {
        return draw.chance(0.5) ? draw.pick("a", "b", "", " ")
                : "x".repeat(draw.pick(RecordLimits.MAX_SERIES_ID_CHARS, RecordLimits.MAX_SERIES_ID_CHARS + 1, 100_000));
    }

    /** Around the series' times, duplicates of them, and absurd ones. */
    private long time() {
        return draw.chance(0.5)
                ? draw.pick(t0, t0 + 1_000, t0 - 1, 0L, -1L, Long.MIN_VALUE / 4, 1L, t0 + 365L * 86_400_000L)
                : draw.between(t0 - 3_600_000, t0 + 3_600_000);
    }

    private List<Double> values() {
        return switch (draw.between(0, 4)) {
            case 0, 1 -> draw.list(2, 2, this::value); // the model's width, most often
            case 2 -> List.of();
            case 3 -> Collections.nCopies(10_000, 1.0);
            default -> IntStream.range(0, 1025).mapToObj(i -> (Double) (double) i).toList();
        };
    }

    private Double value() {
        return draw.<Double>oneOf(
                () -> draw.pick(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, -1e308,
                        Double.MIN_VALUE, -0.0),
                () -> null,
                () -> draw.between(-10.0, 10.0));
    }
}
