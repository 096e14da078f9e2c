package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.TestModels;
import io.odestream.kafka.RecordLimits;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-series operator's rules for records that must not take effect: refused before they touch
 * a series (and counted), late when too old to start a series, and a history the new model cannot
 * encode dropped instead of thrown on.
 */
class PosteriorUpdaterBadInputTest {
    private static final ModelArtifact V1 = TestModels.signed(1, 11); // 2 channels
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final List<PosteriorUpdaterHarness> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private PosteriorUpdaterHarness harness(ModelArtifact model) throws Exception {
        var h = new PosteriorUpdaterHarness(new PosteriorUpdater(UpdaterSettings
                .defaults(TestModels.MODEL_ID, TestModels.VERIFIER).withSamples(32, 8), null, Duration.ofSeconds(5)));
        harnesses.add(h);
        h.setup();
        h.open();
        h.setProcessingTime(0);
        h.processBroadcastWatermark(Long.MAX_VALUE);
        if (model != null) {
            h.processBroadcastElement(model, 0);
        }
        return h;
    }

    private static void observe(PosteriorUpdaterHarness h, Observation o) throws Exception {
        h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
    }

    private static Forecast ask(PosteriorUpdaterHarness h, ForecastRequest r) throws Exception {
        int before = h.extractOutputValues().size();
        h.processElement(Either.Right(r), Long.MIN_VALUE);
        List<Forecast> out = h.extractOutputValues();
        assertEquals(before + 1, out.size(), "every request is answered");
        return out.get(out.size() - 1);
    }

    private static ForecastRequest request(String series, Integer samples, long... times) {
        return ForecastRequest.newBuilder().setRequestId("r").setSeriesId(series).setSamples(samples)
                .setQueryTimes(LongStream.of(times).mapToObj(Instant::ofEpochMilli).toList()).build();
    }

    private static List<DeadLetter> deadLetters(PosteriorUpdaterHarness h) {
        var side = h.getSideOutput(PosteriorUpdater.DEAD_LETTERS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private static List<AnomalyAlert> alerts(PosteriorUpdaterHarness h) {
        var side = h.getSideOutput(PosteriorUpdater.ALERTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private static List<Observation> late(PosteriorUpdaterHarness h) {
        var side = h.getSideOutput(PosteriorUpdater.LATE);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aRequestForAMillionSamplesIsAnsweredWithAnErrorAtOnceAndCounted() throws Exception {
        var h = harness(V1);
        observe(h, observation("s", 1_000, 1.0, 2.0));
        h.processWatermark(1_000);
        long computed = h.updater().metrics().forecasts.getCount();
        Forecast f = ask(h, request("s", 1_000_000, 2_000));
        assertEquals(computed, h.updater().metrics().forecasts.getCount(), "refused before any work");
        assertNotNull(f.getError());
        assertTrue(f.getError().contains("at most " + RecordLimits.MAX_SAMPLES), f.getError());
        assertEquals(1, h.updater().metrics().rejectedRequests.getCount());
        assertNull(ask(h, request("s", RecordLimits.MAX_SAMPLES, 2_000)).getError(), "the bound itself is allowed");
    }

    @Test
    void aRequestForTenThousandTimesOrTooManySampledPointsIsRefused() throws Exception {
        var h = harness(V1);
        observe(h, observation("s", 1_000, 1.0, 2.0));
        h.processWatermark(1_000);
        long[] many = LongStream.rangeClosed(1, 10_000).map(i -> 1_000 + i).toArray();
        assertTrue(ask(h, request("s", 1, many)).getError().contains("query times"));
        long[] hundred = LongStream.rangeClosed(1, 100).map(i -> 1_000 + i * 10).toArray();
        assertTrue(ask(h, request("s", 1000, hundred)).getError().contains("samples × query times"));
        assertTrue(ask(h, request("s", 0, 2_000)).getError().contains("at least 1"));
        assertTrue(ask(h, request("s", null, -5)).getError().contains("query time"));
        assertEquals(4, h.updater().metrics().rejectedRequests.getCount());
        assertNull(ask(h, request("s", null, hundred)).getError());
    }

    @Test
    void anObservationOverTheBoundsIsRefusedWithoutKeepingAnythingForItsSeries() throws Exception {
        var h = harness(V1);
        observe(h, observation("s", 1_000, Collections.nCopies(10_000, 1.0).toArray(Double[]::new)));
        observe(h, observation("x".repeat(100_000), 1_000, 1.0, 2.0));
        observe(h, observation("n", -1_000, 1.0, 2.0));
        observe(h, observation("e", 1_000));
        assertEquals(0, h.numKeyedStateEntries(), "no series state was created");
        assertEquals(0, h.numEventTimeTimers());
        assertEquals(4, h.updater().metrics().rejectedObservations.getCount());
        List<AnomalyAlert> said = alerts(h);
        assertEquals(4, said.size());
        for (AnomalyAlert a : said) {
            assertEquals(AlertKind.MODEL_ERROR, a.getKind());
            assertTrue(a.getMessage().startsWith("observation refused"), a.getMessage());
        }
        assertEquals(0, h.updater().metrics().observations.getCount());
    }

    @Test
    void eventsFarOlderThanTheWatermarkDoNotBecomeANewSeriesHistory() throws Exception {
        var h = harness(V1);
        long now = 10 * HOUR;
        observe(h, observation("other", now, 0.0, 0.0));
        h.processWatermark(now);
        // a new series' backlog an hour old arrives before its first in-order point
        Observation old1 = observation("new", now - HOUR, 50.0, 50.0);
        Observation old2 = observation("new", now - HOUR + 1_000, 51.0, 51.0);
        observe(h, old1);
        observe(h, old2);
        assertEquals(List.of(old1, old2), late(h), "late, not absorbed");
        assertEquals(2, h.updater().metrics().lateObservations.getCount());
        assertTrue(ask(h, request("new", null, now + 1_000)).getError().contains("no observations"),
                "the series has no history yet");
        observe(h, observation("new", now + 500, 1.0, 1.0));
        h.processWatermark(now + 500);
        Forecast f = ask(h, request("new", null, now + 1_000));
        assertNull(f.getError());
        assertEquals(now + 500, f.getStateTime().toEpochMilli(), "the series starts at its first in-order point");
    }

    @Test
    void aNewSeriesSlightlyBehindTheWatermarkStillStarts() throws Exception {
        var h = harness(V1);
        h.processWatermark(100_000);
        observe(h, observation("lagging", 100_000 - 4_000, 1.0, 1.0)); // within the 5 s allowance
        assertEquals(List.of(), late(h));
        assertEquals(100_000 - 4_000, ask(h, request("lagging", null, 100_000)).getStateTime().toEpochMilli());
    }

    @Test
    void aHistoryBufferedAtAnotherWidthThanTheFirstModelIsDeadLetteredNotThrownOn() throws Exception {
        var h = harness(null);
        observe(h, observation("s", 1_000, 1.0, 2.0, 3.0)); // three channels, no model yet
        h.processWatermark(1_000);
        h.setProcessingTime(PosteriorUpdater.FIRST_MODEL_WAIT.toMillis()); // applied without a model, kept
        h.processBroadcastElement(V1, 0); // two channels
        assertTrue(ask(h, request("s", null, 2_000)).getError().contains("no observations"),
                "the request is answered, not a crash");
        observe(h, observation("s", 2_000, 1.0, 2.0));
        h.processWatermark(2_000);
        assertEquals(1, h.updater().metrics().discardedHistories.getCount());
        List<DeadLetter> dead = deadLetters(h);
        assertEquals(1, dead.size(), "the buffered observation is kept as a dead letter, with its values");
        assertEquals(DeadLetterReason.CHANNEL_COUNT_MISMATCH, dead.get(0).getReason());
        assertTrue(dead.get(0).getDetail().contains("3 values") && dead.get(0).getDetail().contains("2 channels"),
                dead.get(0).getDetail());
        Forecast f = ask(h, request("s", null, 3_000));
        assertNull(f.getError());
        assertEquals(2_000, f.getStateTime().toEpochMilli(), "the series started afresh at its next observation");
        assertEquals(0, h.updater().metrics().failedRecords.getCount());
    }
}
