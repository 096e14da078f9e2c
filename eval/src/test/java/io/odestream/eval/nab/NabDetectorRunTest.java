package io.odestream.eval.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.eval.detector.DetectorSettings;
import io.odestream.eval.detector.LatentOdeDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code odestream eval nab}'s engine on a two-file NAB folder written here: a noisy sine with a
 * spike inside its one label window, and a plain noisy sine without windows. It writes one NAB-layout
 * results file per data file, the scorer reads them back, the spike's window is detected, and the
 * files do not depend on the number of threads.
 */
class NabDetectorRunTest {
    static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
    static final DetectorSettings FAST = new DetectorSettings(3, 8, 16, 12, 8, 8, 40, 0.01, 1.0, 8, 12, 1e-3,
            DetectorSettings.nabPolicy(), 3);
    static final int ROWS = 500;
    static final int SPIKE = 380;

    @Test
    void writesNabResultsThatTheScorerReadsAndFindsTheSpike(@TempDir Path root) throws IOException {
        Path data = root.resolve("data");
        writeSeries(data.resolve("synthetic/with_spike.csv"), 1, true);
        writeSeries(data.resolve("synthetic/plain.csv"), 2, false);
        Path windows = root.resolve("labels/combined_windows.json");
        Files.createDirectories(windows.getParent());
        // a 40-row window centred on the spike, as NAB builds them
        Files.writeString(windows, "{\"synthetic/with_spike.csv\": [[\"" + time(SPIKE - 20) + ".000000\", \""
                + time(SPIKE + 19) + ".000000\"]], \"synthetic/plain.csv\": []}");

        List<String> reported = new ArrayList<>();
        NabDetectorRun.Result run = NabDetectorRun.run(new LatentOdeDetector(FAST), data, windows,
                root.resolve("out"), 2, s -> {
                    synchronized (reported) {
                        reported.add(s.name());
                    }
                });
        assertEquals(List.of("synthetic/plain.csv", "synthetic/with_spike.csv"), reported.stream().sorted().toList());
        Path results = root.resolve("out/synthetic/odestream_with_spike.csv");
        List<String> lines = Files.readAllLines(results);
        assertEquals("timestamp,value,anomaly_score,raw_score,label", lines.get(0));
        assertEquals(ROWS + 1, lines.size());
        assertTrue(lines.get(1 + SPIKE).startsWith(time(SPIKE) + ","), lines.get(1 + SPIKE));
        assertTrue(lines.get(1 + SPIKE).endsWith(",1"), "the spike's row is labelled inside the window");
        assertEquals(2, run.corpus().series().size());

        ProfileScore standard = NabScorer.score(run.corpus().series(), CostProfile.STANDARD);
        FileScore spiky = standard.files().stream().filter(f -> f.name().endsWith("with_spike.csv")).findFirst().orElseThrow();
        assertTrue(spiky.tp() >= 1, "the window is detected: " + spiky);
        assertTrue(standard.normalizedScore() > 50, "one window, found at its centre: " + standard.normalizedScore());

        NabDetectorRun.run(new LatentOdeDetector(FAST), data, windows, root.resolve("out1"), 1, NabDetectorRun.Listener.silent());
        for (String name : List.of("synthetic/odestream_with_spike.csv", "synthetic/odestream_plain.csv")) {
            assertEquals(Files.readString(root.resolve("out").resolve(name)), Files.readString(root.resolve("out1").resolve(name)),
                    name + " is the same on 1 and 2 threads");
        }
    }

    static String time(int row) {
        return LocalDateTime.of(2024, 3, 1, 0, 0).plusMinutes(5L * row).format(NAB_TIME);
    }

    static void writeSeries(Path file, long seed, boolean spike) throws IOException {
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < ROWS; i++) {
            double v = 50 + 10 * Math.sin(2 * Math.PI * i / 96.0) + random.nextGaussian();
            if (spike && i == SPIKE) {
                v += 25;
            }
            csv.append(time(i)).append(',').append(String.format(Locale.ROOT, "%.4f", v)).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, csv);
    }
}
