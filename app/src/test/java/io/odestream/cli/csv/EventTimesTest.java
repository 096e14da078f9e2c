package io.odestream.cli.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventTimesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1424987000000                 | 2015-02-26T21:43:20Z",
        "2015-02-26T21:43:20Z          | 2015-02-26T21:43:20Z",
        "2015-02-26T21:43:20.123Z      | 2015-02-26T21:43:20.123Z",
        "2015-02-26T23:43:20+02:00     | 2015-02-26T21:43:20Z",
        "2015-02-26T16:43:20-05:00     | 2015-02-26T21:43:20Z",
        "2015-02-26T21:43:20.5         | 2015-02-26T21:43:20.500Z",
        "2015-02-26T21:43:20           | 2015-02-26T21:43:20Z",
        "2015-02-26 21:43:20           | 2015-02-26T21:43:20Z",
        "2015-02-26                    | 2015-02-26T00:00:00Z",
    })
    void parsesEpochMillisAndIso8601(String text, String expected) {
        assertEquals(Instant.parse(expected).toEpochMilli(), EventTimes.parseMillis(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "12.5", "2015-13-01", "99999999999999999999", "-", "2015-02-26Tnoon", "2015-02-26 21:43:20 CET"})
    void rejectsEverythingElseSayingWhatIsAccepted(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventTimes.parseMillis(text));
        assertTrue(e.getMessage().contains("timestamp"), e.getMessage());
    }
}
