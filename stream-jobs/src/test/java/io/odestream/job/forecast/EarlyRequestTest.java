package io.odestream.job.forecast;

import static io.odestream.job.TestModels.observation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.job.TestModels;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request without an as-of time sent right after a series' first points: the points wait for the
 * watermark (the out-of-orderness bound), and the request waits behind them instead of being
 * answered "never seen".
 */
class EarlyRequestTest {
    private PosteriorUpdaterHarness h;

    @BeforeEach
    void open() throws Exception {
        h = new PosteriorUpdaterHarness(new PosteriorUpdater(UpdaterSettings.defaults(TestModels.MODEL_ID,
                TestModels.VERIFIER).withKeyTtl(Duration.ofMinutes(30)).withSamples(32, 8)));
        h.setup();
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        h.processBroadcastElement(TestModels.signed(1, 11), 0);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void observe(Observation o) throws Exception {
        h.processElement(Either.Left(o), o.getEventTime().toEpochMilli());
    }

    private void ask(String series) throws Exception {
        h.processElement(Either.Right(ForecastRequest.newBuilder().setRequestId("r-" + series).setSeriesId(series)
                .setQueryTimes(List.of(Instant.ofEpochMilli(10_000))).build()), Long.MIN_VALUE);
    }

    @Test
    void aRequestRightAfterAnUnknownSeriesFirstPointsIsAnsweredFromThemOnceTheyAreApplied() throws Exception {
        observe(observation("s", 1_000, 1.0, 2.0));
        observe(observation("s", 2_000, 1.5, 2.5));
        ask("s");
        assertTrue(h.extractOutputValues().isEmpty(), "the request waits behind the points, within the bound");
        h.processWatermark(2_000);
        List<Forecast> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertNull(out.get(0).getError(), out.get(0).getError());
        assertEquals(2_000, out.get(0).getStateTime().toEpochMilli(), "answered from both points");
    }

    @Test
    void aRequestWaitsNoLongerThanItsBoundWhenTheWatermarkDoesNotCome() throws Exception {
        h.setProcessingTime(0);
        observe(observation("s", 1_000, 1.0, 2.0));
        ask("s");
        h.setProcessingTime(PosteriorUpdater.EARLY_REQUEST_WAIT.toMillis() - 1);
        assertTrue(h.extractOutputValues().isEmpty());
        h.setProcessingTime(PosteriorUpdater.EARLY_REQUEST_WAIT.toMillis());
        List<Forecast> out = h.extractOutputValues();
        assertEquals(1, out.size(), "answered when the wait is over, from what the series has");
        assertTrue(out.get(0).getError().contains("no observations"), out.get(0).getError());
        h.processWatermark(1_000);
        assertEquals(1, h.extractOutputValues().size(), "answered once; the point is applied when due");
        ask("s");
        assertNull(h.extractOutputValues().get(1).getError(), "then answered from it");
    }

    @Test
    void aSeriesWithAStateIsAnsweredFromItAtOnceWhilePointsWait() throws Exception {
        observe(observation("s", 1_000, 1.0, 2.0));
        h.processWatermark(1_000);
        observe(observation("s", 2_000, 1.5, 2.5)); // waits for the watermark
        ask("s");
        List<Forecast> out = h.extractOutputValues();
        assertEquals(1, out.size(), "no wait: the request is answered from the state it has");
        assertEquals(1_000, out.get(0).getStateTime().toEpochMilli());
    }

    @Test
    void aRequestForASeriesWithNothingWaitingIsAnsweredAtOnce() throws Exception {
        observe(observation("s", 1_000, 1.0, 2.0));
        h.processWatermark(1_000);
        ask("s");
        assertEquals(1, h.extractOutputValues().size(), "nothing pending: no wait");
        ask("never-seen");
        Forecast unknown = h.extractOutputValues().get(1);
        assertTrue(unknown.getError().contains("never seen"), "an unknown series is still answered at once");
    }
}
