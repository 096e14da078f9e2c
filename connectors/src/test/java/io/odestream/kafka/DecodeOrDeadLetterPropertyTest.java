package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.testing.CapturedMetrics;
import io.odestream.kafka.testing.SeededDraws;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random and adversarial records through the decoder: whatever the bytes, each record comes out
 * exactly once, either decoded and within every rule the job relies on, or as a dead letter with
 * its raw bytes and a reason whose counter went up. Never an exception. Seeded randomized property
 * tests (JUnit 5): each try is one fixed seed of {@link AdversarialRecords}; a failure names its seed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one decoder harness per validator for all tries
class DecodeOrDeadLetterPropertyTest {
    private static final int TRIES = 200;
    private static final long NOW = System.currentTimeMillis();
    private static final long SKEW = ObservationValidator.DEFAULT_MAX_FUTURE_SKEW.toMillis();
    private static final long EARLIEST = ObservationValidator.EARLIEST_EVENT_TIME.toEpochMilli();

    static java.util.stream.LongStream seeds() {
        return SeededDraws.seeds(TRIES);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyObservationIsDecodedWithinTheRulesOrDeadLettered(long seed) throws Exception {
        Observation o = new AdversarialRecords(seed, NOW).observation();
        SeededDraws.reproducibly(seed, o, () -> {
            Outcome<Observation> out = run(Observation.class, observationValidator,
                    new AvroSerde<>(Observation.class).serialize(o));
            if (out.decoded != null) {
                Observation d = out.decoded;
                assertTrue(!d.getSeriesId().isBlank() && d.getSeriesId().length() <= RecordLimits.MAX_SERIES_ID_CHARS);
                long t = d.getEventTime().toEpochMilli();
                assertTrue(t >= EARLIEST && t <= System.currentTimeMillis() + SKEW, "accepted time " + t);
                assertTrue(d.getValues().size() <= RecordLimits.MAX_CHANNELS);
                assertTrue(d.getValues().stream().anyMatch(v -> v != null && Double.isFinite(v)), "something observed");
            }
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyRequestIsDecodedWithinTheBoundsOrDeadLettered(long seed) throws Exception {
        ForecastRequest r = new AdversarialRecords(seed, NOW).request();
        SeededDraws.reproducibly(seed, r, () -> {
            Outcome<ForecastRequest> out = run(ForecastRequest.class, requestValidator,
                    new AvroSerde<>(ForecastRequest.class).serialize(r));
            if (out.decoded != null) {
                ForecastRequest d = out.decoded;
                int times = d.getQueryTimes().size();
                int samples = d.getSamples() == null ? DEFAULT_SAMPLES : d.getSamples();
                assertTrue(times >= 1 && times <= RecordLimits.MAX_QUERY_TIMES, times + " query times");
                assertTrue(samples >= 1 && samples <= RecordLimits.MAX_SAMPLES, samples + " samples");
                assertTrue((long) samples * times <= RecordLimits.MAX_SAMPLED_POINTS);
                assertTrue(d.getSeriesId().length() <= RecordLimits.MAX_SERIES_ID_CHARS
                        && d.getRequestId().length() <= RecordLimits.MAX_REQUEST_ID_CHARS);
            }
        });
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void arbitraryBytesAreDecodedOrDeadLetteredNeverThrown(long seed) throws Exception {
        byte[] value = new AdversarialRecords(seed, NOW).bytes();
        SeededDraws.reproducibly(seed, value, () -> {
            run(Observation.class, observationValidator, value);
            run(ForecastRequest.class, defaultRequestValidator, value);
        });
    }

    /** What one record became; the accounting invariants are asserted on the way. */
    private record Outcome<T>(T decoded, DeadLetter deadLetter) {
    }

    private static final int DEFAULT_SAMPLES = 64;
    private final ObservationValidator observationValidator = ObservationValidator.withDefaults();
    private final ForecastRequestValidator requestValidator = new ForecastRequestValidator(DEFAULT_SAMPLES);
    private final ForecastRequestValidator defaultRequestValidator = new ForecastRequestValidator();

    /** One decoder harness per validator for all tries (opening one per try would dominate the run time). */
    private final java.util.Map<RecordValidator<?>, Decoder<?>> decoders = new java.util.IdentityHashMap<>();

    @AfterAll
    void closeDecoders() throws Exception {
        for (Decoder<?> d : decoders.values()) {
            d.harness.close();
        }
        decoders.clear();
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecordBase> Outcome<T> run(Class<T> type, RecordValidator<T> validator, byte[] value)
            throws Exception {
        Decoder<T> decoder = (Decoder<T>) decoders.get(validator);
        if (decoder == null) {
            decoder = new Decoder<>(type, validator);
            decoders.put(validator, decoder);
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
}
