package io.odestream.kafka;

import io.odestream.kafka.testing.SeededDraws;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Random and adversarial records for the decoder's property test, from one seed: explicit edge
 * values (NaN, ±Inf, 1e308, null, 1000–10 000 values, empty, blank and 100 000-char ids, times
 * ≤ 0, 1970, ×1000, a day ahead, around the skew and earliest bounds) mixed with plain random
 * ones, each kind of alternative equally likely.
 */
final class AdversarialRecords {
    private final SeededDraws draw;
    private final long now;

    AdversarialRecords(long seed, long now) {
        this.draw = new SeededDraws(seed);
        this.now = now;
    }

    Observation observation() {
        String id = seriesId();
        long t = eventTime();
        List<Double> values = values();
        List<String> names = channelNames();
        return Observation.newBuilder().setSeriesId(id).setEventTime(Instant.ofEpochMilli(t)).setValues(values)
                .setChannels(names == null ? null : names.subList(0, Math.min(names.size(), values.size() + 1)))
                .build();
    }

    ForecastRequest request() {
        String requestId = seriesId();
        String seriesId = seriesId();
        int count = draw.weighted(8, 2) == 0 ? draw.between(0, 8) : draw.pick(1000, 1024, 1025, 10_000);
        List<Instant> times = count <= 8
                ? draw.list(count, count, () -> Instant.ofEpochMilli(eventTime()))
                : LongStream.range(0, count).mapToObj(i -> Instant.ofEpochMilli(now + i * 7)).toList();
        Integer samples = draw.<Integer>oneOf(() -> null,
                () -> draw.pick(0, -1, 1, 64, 4096, 4097, 1_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE),
                () -> draw.between(1, 5000));
        return ForecastRequest.newBuilder().setRequestId(requestId).setSeriesId(seriesId).setQueryTimes(times)
                .setSamples(samples).build();
    }

    /** Raw values: random bytes, none, empty, or a plausible record cut short or with junk after it. */
    byte[] bytes() {
        return draw.<byte[]>oneOf(() -> draw.bytes(64), () -> null, () -> new byte[0], () -> {
            byte[] b = new AvroSerde<>(Observation.class).serialize(observation());
            return Arrays.copyOf(b, draw.between(0, b.length + 3));
        });
    }

    private String seriesId() {
        return draw.oneOf(() -> draw.string(12), () -> draw.pick("", " ", "\t", "pump-7"),
                () -> "x".repeat(draw.between(250, 260)), // around the limit
                () -> "s".repeat(100_000));
    }

    private long eventTime() {
        long skew = ObservationValidator.DEFAULT_MAX_FUTURE_SKEW.toMillis();
        long earliest = ObservationValidator.EARLIEST_EVENT_TIME.toEpochMilli();
        return draw.<Long>oneOf(
                () -> draw.pick(0L, -1L, 1L, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, now / 1000, now * 1000, now,
                        now + Duration.ofDays(1).toMillis(), now + skew + 5_000, earliest - 1, earliest),
                () -> draw.between(now - Duration.ofDays(365).toMillis(), now + Duration.ofHours(1).toMillis()),
                draw::anyLong);
    }

    private List<Double> values() {
        if (draw.chance(0.5)) {
            return draw.list(0, 6, () -> draw.<Double>oneOf(
                    () -> draw.pick(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, -1e308,
                            Double.MIN_VALUE, -0.0, Double.MAX_VALUE),
                    () -> null,
                    draw::anyDouble));
        }
        int n = draw.pick(1000, 1024, 1025, 1100, 10_000); // wide: around and far over the channel limit
        return IntStream.range(0, n).mapToObj(i -> i % 3 == 0 ? null : i % 3 == 1 ? Double.NaN : 1e308).toList();
    }

    private List<String> channelNames() {
        return draw.chance(0.5) ? null : draw.list(0, 8, () -> draw.string(4));
    }
}
