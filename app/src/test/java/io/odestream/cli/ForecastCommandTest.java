package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ForecastCommandTest {
    private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");

    @Test
    void queryTimesAreInstantsEpochMillisOrOffsetsFromNow() {
        assertEquals(Instant.parse("2024-01-01T00:05:00Z"), ForecastCommand.parseTime("2024-01-01T00:05:00Z", NOW));
        assertEquals(Instant.ofEpochMilli(1_704_067_500_000L), ForecastCommand.parseTime("1704067500000", NOW));
        assertEquals(NOW.plusSeconds(30), ForecastCommand.parseTime("+30s", NOW));
        assertEquals(NOW.plusSeconds(300), ForecastCommand.parseTime("+5m", NOW));
        assertEquals(NOW.plusSeconds(3600), ForecastCommand.parseTime(" +1H ", NOW));
    }

    @Test
    void offsetsMayPointBackAndMixUnitsFromMillisecondsToDays() {
        assertEquals(NOW.minusSeconds(30), ForecastCommand.parseTime("-30s", NOW));
        assertEquals(NOW.plusSeconds(86_400), ForecastCommand.parseTime("+1d", NOW));
        assertEquals(NOW.plusSeconds(5_400), ForecastCommand.parseTime("+1h30m", NOW));
        assertEquals(NOW.plusMillis(250), ForecastCommand.parseTime("+250ms", NOW));
        assertEquals(NOW.plusMillis(1_500), ForecastCommand.parseTime("+1.5s", NOW));
    }

    @Test
    void anythingElseIsRejectedWithTheFormatsThatWork() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForecastCommand.parseTime("tomorrow", NOW));
        assertTrue(e.getMessage().contains("'tomorrow'") && e.getMessage().contains("+30s"), e.getMessage());
        for (String bad : new String[] {"+", "-1x", "+1d2", "+m5"}) {
            assertThrows(IllegalArgumentException.class, () -> ForecastCommand.parseTime(bad, NOW), bad);
        }
    }
}
