package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.cli.EvalNabCommandTest.Run;
import io.odestream.job.cli.KafkaPreflight;
import io.odestream.kafka.KafkaSettings;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
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
    void theLastLineSaysTheRoundTripAndTheStatesAgeWithWhereEachComesFrom() {
        String live = ForecastCommand.timing(java.time.Duration.ofMillis(10_240), NOW.minusMillis(4_100), NOW);
        assertTrue(live.startsWith("answered in 10.2 s (the job commits answers at its checkpoints"), live);
        assertTrue(live.contains("the state is 4.1 s old (the job absorbs an observation once event time passes it"),
                live);
        String replay = ForecastCommand.timing(java.time.Duration.ofMillis(900), NOW.minusSeconds(3 * 86_400), NOW);
        assertTrue(replay.contains("3 days before now (the series' event times are in the past)"), replay);
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

    @Test
    void columnsAreNamedByTheModelsChannelsAndPositionalOnlyWithoutNames() {
        ForecastPoint p = ForecastPoint.newBuilder().setTime(NOW).setMean(List.of(20.0, 1013.0))
                .setStddev(List.of(0.5, 2.0)).setQ05(List.of(19.0, 1010.0)).setQ50(List.of(20.0, 1013.0))
                .setQ95(List.of(21.0, 1016.0)).build();
        Forecast f = Forecast.newBuilder().setRequestId("r").setSeriesId("s").setModelVersion(3).setIssuedAt(NOW)
                .setPoints(List.of(p)).setSamples(64).setChannels(List.of("temp", "pressure")).setStateTime(NOW).build();
        String line = ForecastCommand.lines(f).get(1);
        assertTrue(line.contains("temp 20.000 ± 0.500") && line.contains("pressure 1013.000 ± 2.000"), line);
        f.setChannels(null);
        String unnamed = ForecastCommand.lines(f).get(1);
        assertTrue(unnamed.contains("ch0 20.000") && unnamed.contains("ch1 1013.000"), unnamed);
    }

    @Test
    void samplesOutsideTheJobsBoundAreRefusedAtOnceWithTheBound() {
        // no broker listens at port 1: had the command gone to Kafka first, it would say so instead
        for (String bad : new String[] {"0", "-1", Integer.toString(ForecastCommand.MAX_SAMPLES + 1)}) {
            Run r = EvalNabCommandTest.odestream("forecast", "--series", "s", "--at", "+1m", "--samples", bad,
                    "--bootstrap-servers", "127.0.0.1:1");
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains("--samples " + bad) && r.err().contains("1 to " + ForecastCommand.MAX_SAMPLES),
                    r.err());
            assertFalse(r.err().contains("broker"), r.err());
        }
    }

    @Test
    void aDeadBrokerFailsWithinSecondsInOneLineWithoutAStackTrace() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort(); // nobody listens there once closed
        }
        long start = System.nanoTime();
        Run r = EvalNabCommandTest.odestream("forecast", "--series", "s", "--at", "+1m", "--bootstrap-servers",
                "127.0.0.1:" + port);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(1, r.exit(), r.err());
        // seconds, not the minute of retries it took: the broker wait plus the Kafka client's start on a busy machine
        assertTrue(seconds < 15, "failed after " + seconds + " s");
        assertTrue(r.err().contains("no Kafka broker answered at 127.0.0.1:" + port), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        // once the Kafka client's classes are loaded, the wait is the configured one and no more
        long again = System.nanoTime();
        assertThrows(KafkaPreflight.Failure.class, () -> KafkaPreflight.topics(
                KafkaSettings.builder("127.0.0.1:" + port).build(), KafkaPreflight.DEFAULT_WAIT));
        double steady = (System.nanoTime() - again) / 1e9;
        System.out.printf("forecast against a dead broker: %.1f s for the first command, %.1f s for a second check%n",
                seconds, steady);
        assertTrue(steady < KafkaPreflight.DEFAULT_WAIT.toSeconds() + 2, "second check after " + steady + " s");
    }
}
