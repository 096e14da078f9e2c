package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.testing.CapturedMetrics;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/**
 * Random and adversarial records through the decoder: whatever the bytes, each record comes out
 * exactly once, either decoded and within every rule the job relies on, or as a dead letter with
 * its raw bytes and a reason whose counter went up. Never an exception.
 */
class DecodeOrDeadLetterPropertyTest {
    private static final long NOW = System.currentTimeMillis();
    private static final long SKEW = ObservationValidator.DEFAULT_MAX_FUTURE_SKEW.toMillis();
    private static final long EARLIEST = ObservationValidator.EARLIEST_EVENT_TIME.toEpochMilli();

    @Property(tries = 200)
    void everyObservationIsDecodedWithinTheRulesOrDeadLettered(@ForAll("observations") Observation o) throws Exception {
        Outcome<Observation> out = run(Observation.class, ObservationValidator.withDefaults(),
                new AvroSerde<>(Observation.class).serialize(o));
        if (out.decoded != null) {
            Observation d = out.decoded;
            assertTrue(!d.getSeriesId().isBlank() && d.getSeriesId().length() <= RecordLimits.MAX_SERIES_ID_CHARS);
            long t = d.getEventTime().toEpochMilli();
            assertTrue(t >= EARLIEST && t <= System.currentTimeMillis() + SKEW, "accepted time " + t);
            assertTrue(d.getValues().size() <= RecordLimits.MAX_CHANNELS);
            assertTrue(d.getValues().stream().anyMatch(v -> v != null && Double.isFinite(v)), "something observed");
        }
    }

    @Property(tries = 200)
    void everyRequestIsDecodedWithinTheBoundsOrDeadLettered(@ForAll("requests") ForecastRequest r) throws Exception {
        int defaultSamples = 64;
        Outcome<ForecastRequest> out = run(ForecastRequest.class, new ForecastRequestValidator(defaultSamples),
                new AvroSerde<>(ForecastRequest.class).serialize(r));
        if (out.decoded != null) {
            ForecastRequest d = out.decoded;
            int times = d.getQueryTimes().size();
            int samples = d.getSamples() == null ? defaultSamples : d.getSamples();
            assertTrue(times >= 1 && times <= RecordLimits.MAX_QUERY_TIMES, times + " query times");
            assertTrue(samples >= 1 && samples <= RecordLimits.MAX_SAMPLES, samples + " samples");
            assertTrue((long) samples * times <= RecordLimits.MAX_SAMPLED_POINTS);
            assertTrue(d.getSeriesId().length() <= RecordLimits.MAX_SERIES_ID_CHARS
                    && d.getRequestId().length() <= RecordLimits.MAX_REQUEST_ID_CHARS);
        }
    }

    @Property(tries = 200)
    void arbitraryBytesAreDecodedOrDeadLetteredNeverThrown(@ForAll("bytes") byte[] value) throws Exception {
        run(Observation.class, ObservationValidator.withDefaults(), value);
        run(ForecastRequest.class, new ForecastRequestValidator(), value);
    }

    /** What one record became; the accounting invariants are asserted on the way. */
    private record Outcome<T>(T decoded, DeadLetter deadLetter) {
    }

    /** One decoder harness per property (opening one per try would dominate the run time). */
    private final java.util.Map<Class<?>, Decoder<?>> decoders = new java.util.HashMap<>();

    @AfterProperty
    void closeDecoders() throws Exception {
        for (Decoder<?> d : decoders.values()) {
            d.harness.close();
        }
        decoders.clear();
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecordBase> Outcome<T> run(Class<T> type, RecordValidator<T> validator, byte[] value)
            throws Exception {
        Decoder<T> decoder = (Decoder<T>) decoders.get(type);
        if (decoder == null) {
            decoder = new Decoder<>(type, validator);
            decoders.put(type, decoder);
        }
        return decoder.decode(value);
    }

    private static final class Decoder<T extends SpecificRecordBase> {
        final CapturedMetrics metrics = new CapturedMetrics();
        final OneInputStreamOperatorTestHarness<RawKafkaRecord, T> harness;

        Decoder(Class<T> type, RecordValidator<T> validator) throws Exception {
            harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(
                    new DecodeOrDeadLetter<>(type, validator)), metrics.environment());
            harness.open();
        }

        Outcome<T> decode(byte[] value) throws Exception {
            long decodedBefore = metrics.counter("odestream", "decoded");
            long deadBefore = deadLettersCounted();
            harness.processElement(new StreamRecord<>(new RawKafkaRecord("topic", 3, 42L, NOW, null, value)));
            List<T> decoded = harness.extractOutputValues();
            var dead = harness.getSideOutput(DecodeOrDeadLetter.DEAD_LETTERS);
            int deadLetters = dead == null ? 0 : dead.size();
            assertEquals(1, decoded.size() + deadLetters, "each record comes out exactly once");
            assertEquals(decoded.size(), metrics.counter("odestream", "decoded") - decodedBefore);
            assertEquals(deadLetters, deadLettersCounted() - deadBefore, "every dead letter is counted");
            harness.getOutput().clear();
            if (deadLetters == 0) {
                return new Outcome<>(decoded.get(0), null);
            }
            DeadLetter d = dead.poll().getValue();
            assertTrue(d.getReason() != DeadLetterReason.UNKNOWN && !d.getDetail().isBlank(), d.toString());
            assertTrue(d.getDetail().length() < 2_000, "the reason quotes nothing unbounded: " + d.getDetail().length());
            if (value != null) {
                ByteBuffer kept = d.getValue();
                byte[] raw = new byte[kept.remaining()];
                kept.duplicate().get(raw);
                assertArrayEquals(value, raw, "the dead letter keeps the raw bytes");
            }
            return new Outcome<>(null, d);
        }

        long deadLettersCounted() {
            long counted = 0;
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                counted += metrics.counter("deadLetters", reason.name());
            }
            return counted;
        }
    }

    // ---------------------------------------------------------------- adversarial records

    @Provide
    Arbitrary<Observation> observations() {
        return Combinators.combine(seriesIds(), eventTimes(), values(), channelNames())
                .as((id, t, values, names) -> Observation.newBuilder().setSeriesId(id)
                        .setEventTime(Instant.ofEpochMilli(t)).setValues(values)
                        .setChannels(names == null ? null : names.subList(0, Math.min(names.size(), values.size() + 1)))
                        .build());
    }

    @Provide
    Arbitrary<ForecastRequest> requests() {
        Arbitrary<Integer> count = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.integers().between(0, 8)),
                Tuple.of(2, Arbitraries.of(1000, 1024, 1025, 10_000)));
        Arbitrary<List<Instant>> times = count.flatMap(n -> n <= 8
                ? eventTimes().map(Instant::ofEpochMilli).list().ofSize(n)
                : Arbitraries.just(java.util.stream.LongStream.range(0, n).mapToObj(i -> Instant.ofEpochMilli(NOW + i * 7))
                        .toList()));
        Arbitrary<Integer> samples = Arbitraries.oneOf(Arbitraries.just((Integer) null),
                Arbitraries.of(0, -1, 1, 64, 4096, 4097, 1_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE),
                Arbitraries.integers().between(1, 5000));
        return Combinators.combine(seriesIds(), seriesIds(), times, samples)
                .as((requestId, seriesId, ts, k) -> ForecastRequest.newBuilder().setRequestId(requestId)
                        .setSeriesId(seriesId).setQueryTimes(ts).setSamples(k).build());
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.just((byte[]) null), Arbitraries.just(new byte[0]),
                // a plausible record with its tail cut off or junk appended
                observations().map(o -> new AvroSerde<>(Observation.class).serialize(o))
                        .flatMap(b -> Arbitraries.integers().between(0, b.length + 3)
                                .map(n -> java.util.Arrays.copyOf(b, n))));
    }

    private static Arbitrary<String> seriesIds() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(12), Arbitraries.of("", " ", "\t", "pump-7"),
                Arbitraries.integers().between(250, 260).map("x"::repeat), // around the limit
                Arbitraries.just("s".repeat(100_000)));
    }

    private static Arbitrary<Long> eventTimes() {
        return Arbitraries.oneOf(
                Arbitraries.of(0L, -1L, 1L, Long.MIN_VALUE / 2, Long.MAX_VALUE / 2, NOW / 1000, NOW * 1000,
                        NOW, NOW + Duration.ofDays(1).toMillis(), NOW + SKEW + 5_000, EARLIEST - 1, EARLIEST),
                Arbitraries.longs().between(NOW - Duration.ofDays(365).toMillis(), NOW + Duration.ofHours(1).toMillis()),
                Arbitraries.longs());
    }

    private static Arbitrary<List<Double>> values() {
        Arbitrary<Double> value = Arbitraries.oneOf(
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, -1e308,
                        Double.MIN_VALUE, -0.0, Double.MAX_VALUE),
                Arbitraries.just((Double) null),
                Arbitraries.doubles());
        // wide ones built, not generated item by item: jqwik's shrinkable lists of 1000 items are slow
        Arbitrary<List<Double>> wide = Arbitraries.of(1000, 1024, 1025, 1100, 10_000)
                .map(n -> java.util.stream.IntStream.range(0, n)
                        .mapToObj(i -> i % 3 == 0 ? null : i % 3 == 1 ? Double.NaN : 1e308).toList());
        return Arbitraries.oneOf(value.list().ofMaxSize(6), wide);
    }

    private static Arbitrary<List<String>> channelNames() {
        return Arbitraries.oneOf(Arbitraries.just((List<String>) null),
                Arbitraries.strings().ofMaxLength(4).list().ofMaxSize(8));
    }
}
