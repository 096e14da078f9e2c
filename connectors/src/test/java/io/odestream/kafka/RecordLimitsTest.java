package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The bounds a producer reads in the schemas' docs are the ones the job enforces. */
class RecordLimitsTest {

    @Test
    void theObservationSchemaStatesTheBounds() {
        assertDocSays(Observation.getClassSchema(), "seriesId", "at most " + RecordLimits.MAX_SERIES_ID_CHARS + " chars");
        assertDocSays(Observation.getClassSchema(), "values", "At most " + RecordLimits.MAX_CHANNELS + " entries");
        assertDocSays(Observation.getClassSchema(), "eventTime",
                ObservationValidator.EARLIEST_EVENT_TIME.toString());
        assertDocSays(Observation.getClassSchema(), "eventTime",
                "default " + ObservationValidator.DEFAULT_MAX_FUTURE_SKEW.toMinutes() + " minute");
    }

    @Test
    void theForecastRequestSchemaStatesTheBounds() {
        Schema s = ForecastRequest.getClassSchema();
        assertDocSays(s, "requestId", "At most " + RecordLimits.MAX_REQUEST_ID_CHARS + " chars");
        assertDocSays(s, "seriesId", "At most " + RecordLimits.MAX_SERIES_ID_CHARS + " chars");
        assertDocSays(s, "queryTimes", "at most " + RecordLimits.MAX_QUERY_TIMES + " times");
        assertDocSays(s, "samples", "1 to " + RecordLimits.MAX_SAMPLES);
        assertDocSays(s, "samples", "at most " + RecordLimits.MAX_SAMPLED_POINTS);
    }

    private static void assertDocSays(Schema schema, String field, String text) {
        String doc = schema.getField(field).doc();
        assertTrue(doc.contains(text), schema.getName() + "." + field + " should say '" + text + "': " + doc);
    }
}
