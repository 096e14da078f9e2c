package io.odestream.cli.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.Observation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObservationCsvReaderTest {
    @TempDir
    Path dir;

    private final List<Observation> observations = new ArrayList<>();
    private final List<Long> lines = new ArrayList<>();
    private final List<CsvProblem> problems = new ArrayList<>();

    @Test
    void longRowsOfOneSeriesAndTimestampBecomeOneObservationInTheFilesFirstAppearanceChannelOrder() throws IOException {
        ObservationCsvReader.Summary s = read(null, null,
                "series_id,timestamp,channel,value",
                "a,1000,temp,20.5",
                "a,1000,hum,0.4",
                "b,1000,hum,0.7",
                "a,2000,hum,0.5",   // temp missing at 2000
                "a,3000,temp,21");
        assertEquals(CsvLayout.LONG, s.layout());
        assertEquals(5, s.rows());
        assertEquals(4, s.observations());
        assertEquals(0, s.problems());
        assertObservation(0, "a", 1000, List.of("temp", "hum"), 20.5, 0.4);
        assertObservation(1, "b", 1000, List.of("temp", "hum"), null, 0.7);
        assertObservation(2, "a", 2000, List.of("temp", "hum"), null, 0.5);
        assertObservation(3, "a", 3000, List.of("temp", "hum"), 21.0, null);
        assertEquals(List.of(3L, 4L, 5L, 6L), lines, "line of each observation's last row");
    }

    @Test
    void everySeriesOfAFileSendsItsChannelsInOneOrderWhateverOrderItsRowsCameIn() throws IOException {
        read(null, null,
                "series_id,timestamp,channel,value",
                "a,1000,temp,20",
                "a,1000,pressure,1013",
                "b,1000,pressure,990",   // b's first row names pressure first: its order is still the file's
                "b,1000,temp,15");
        assertObservation(0, "a", 1000, List.of("temp", "pressure"), 20.0, 1013.0);
        assertObservation(1, "b", 1000, List.of("temp", "pressure"), 15.0, 990.0);
    }

    @Test
    void fixedChannelsSetTheOrderAndRejectOthers() throws IOException {
        ObservationCsvReader.Summary s = read(null, List.of("hum", "temp"),
                "series_id,timestamp,channel,value",
                "a,1000,temp,20.5",
                "a,1000,hum,0.4",
                "a,1000,wind,3");
        assertEquals(1, s.observations());
        assertObservation(0, "a", 1000, List.of("hum", "temp"), 0.4, 20.5);
        assertProblems("4: channel 'wind' is not in --channels [hum, temp]");
    }

    @Test
    void wideRowsWithEmptyCellsForMissingChannels() throws IOException {
        ObservationCsvReader.Summary s = read(null, null,
                "series_id,timestamp,temp,hum",
                "a,1000,20.5,0.4",
                "a,2000,,0.5",
                "b,2000,19,");
        assertEquals(CsvLayout.WIDE, s.layout());
        assertEquals(3, s.observations());
        assertObservation(0, "a", 1000, List.of("temp", "hum"), 20.5, 0.4);
        assertObservation(1, "a", 2000, List.of("temp", "hum"), null, 0.5);
        assertObservation(2, "b", 2000, List.of("temp", "hum"), 19.0, null);
    }

    @Test
    void isoAndEpochTimestampsAreBothAccepted() throws IOException {
        read(null, null,
                "series_id,timestamp,v",
                "a,1424987000000,1",
                "a,2015-02-26T21:43:20Z,2",
                "a,2015-02-26 21:43:21,3",
                "a,2015-02-26T22:43:22+01:00,4",
                "a,2015-02-26T21:43:23.250Z,5",
                "a,2015-02-27,6");
        assertEquals(List.of(1424987000000L, 1424987000000L, 1424987001000L, 1424987002000L, 1424987003250L,
                Instant.parse("2015-02-27T00:00:00Z").toEpochMilli()),
                observations.stream().map(o -> o.getEventTime().toEpochMilli()).toList());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void badRowsAreSkippedWithTheirLineNumberAndReason() throws IOException {
        ObservationCsvReader.Summary s = read(null, null,
                "series_id,timestamp,temp,hum",
                "a,1000,20.5,0.4",
                "a,yesterday,1,2",
                "a,3000,warm,2",
                "a,4000,1",
                ",5000,1,2",
                "",
                "a,\"6000,1,2",
                "a,7000,\"1\"x,2",
                "a,8000,,",
                "a,0,1,2",
                "a,9000,1,2");
        assertEquals(2, s.observations());
        assertEquals(10, s.rows(), "the blank line is not a row");
        assertEquals(8, s.problems());
        assertProblems(
                "3: timestamp 'yesterday' is neither epoch milliseconds nor ISO-8601",
                "4: value 'warm' of channel 'temp' is not a number",
                "5: expected 4 cells like the header (series_id,timestamp,temp,hum), found 3",
                "6: series_id is empty",
                "8: malformed CSV quoting",
                "9: malformed CSV quoting",
                "10: series 'a' at 1970-01-01T00:00:08Z has no value in any channel",
                "11: timestamp '0' is not after 1970-01-01T00:00:00Z");
        assertEquals(List.of(2L, 12L), lines);
    }

    @Test
    void longLayoutReportsDuplicatesInsteadOfOverwriting() throws IOException {
        ObservationCsvReader.Summary s = read(CsvLayout.LONG, null,
                "series_id,timestamp,channel,value",
                "a,1000,x,1",
                "a,1000,x,2",
                "a,2000,x,3",
                "a,1000,x,4",
                "a,3000,x",
                "a,3000,,1");
        assertEquals(2, s.observations());
        assertEquals(1.0, observations.get(0).getValues().get(0), "the first value is kept");
        assertProblems(
                "3: channel 'x' of series 'a' at 1000 is given twice (first on line 2)",
                "5: series 'a' at 1000 was already sent",
                "6: expected 4 cells (series_id,timestamp,channel,value), found 3",
                "7: channel is empty");
    }

    @Test
    void quotedCellsAndSpacesAreHandled() throws IOException {
        read(null, null,
                "\"series_id\",\"timestamp\",\"temp, C\"",
                "\"site 1, north\", 1000 , 20.5 ");
        assertObservation(0, "site 1, north", 1000, List.of("temp, C"), 20.5);
    }

    @Test
    void unusableFilesFailWithTheFileNamed() throws IOException {
        Path missing = dir.resolve("missing.csv");
        CsvInputException e = assertThrows(CsvInputException.class,
                () -> new ObservationCsvReader(missing, null, null).plan());
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("--csv"), e.getMessage());

        Path noHeader = Files.writeString(dir.resolve("noheader.csv"), "a,1000,1\n");
        e = assertThrows(CsvInputException.class, () -> new ObservationCsvReader(noHeader, null, null).plan());
        assertTrue(e.getMessage().contains("cannot tell the layout") && e.getMessage().contains("--format"), e.getMessage());

        Path wide = Files.writeString(dir.resolve("wide.csv"), "series_id,timestamp,temp\na,1,2\n");
        e = assertThrows(CsvInputException.class, () -> new ObservationCsvReader(wide, CsvLayout.LONG, null).plan());
        assertTrue(e.getMessage().contains("does not fit --format long"), e.getMessage());

        e = assertThrows(CsvInputException.class, () -> new ObservationCsvReader(wide, null, List.of("hum")).plan());
        assertTrue(e.getMessage().contains("'hum', which is not a column"), e.getMessage());

        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        e = assertThrows(CsvInputException.class, () -> new ObservationCsvReader(empty, null, null).plan());
        assertTrue(e.getMessage().contains("is empty"), e.getMessage());
    }

    @Test
    void planCountsRowsForTheProgressBar() throws IOException {
        Path f = write("series_id,timestamp,channel,value", "a,1,x,1", "", "b,1,y,2", "b,2,z,3");
        ObservationCsvReader.Plan plan = new ObservationCsvReader(f, null, null).plan();
        assertEquals(3, plan.dataRows());
        assertEquals(List.of("x", "y", "z"), plan.channels());
    }

    private ObservationCsvReader.Summary read(CsvLayout layout, List<String> channels, String... csvLines) throws IOException {
        Path f = write(csvLines);
        return new ObservationCsvReader(f, layout, channels).read((o, line) -> {
            observations.add(o);
            lines.add(line);
        }, problems::add);
    }

    private Path write(String... csvLines) throws IOException {
        return Files.writeString(dir.resolve("in.csv"), String.join("\n", csvLines) + "\n");
    }

    private void assertObservation(int index, String series, long time, List<String> channels, Double... values) {
        Observation o = observations.get(index);
        assertEquals(series, o.getSeriesId());
        assertEquals(time, o.getEventTime().toEpochMilli());
        assertEquals(channels, o.getChannels());
        assertEquals(Arrays.asList(values), o.getValues());
    }

    private void assertProblems(String... expected) {
        assertEquals(expected.length, problems.size(), problems.toString());
        for (int i = 0; i < expected.length; i++) {
            String actual = problems.get(i).line() + ": " + problems.get(i).reason();
            assertTrue(actual.startsWith(expected[i]), "problem " + i + ": expected '" + expected[i] + "', got '" + actual + "'");
            assertTrue(problems.get(i).toString().contains("in.csv:" + problems.get(i).line()), problems.get(i).toString());
        }
    }
}
