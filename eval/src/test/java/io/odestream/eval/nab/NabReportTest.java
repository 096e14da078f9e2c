package io.odestream.eval.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated "NAB" section of docs/RESULTS.md: rewritten in place, the rest of the page kept. */
class NabReportTest {
    static final NabReport.Row OURS = new NabReport.Row("odestream", "the 39 shared series", 50.0, 40.0, 55.0);

    @Test
    void theSectionIsAppendedOnceThenReplacedInPlace(@TempDir Path dir) throws IOException {
        Path page = dir.resolve("docs/RESULTS.md");
        Files.createDirectories(page.getParent());
        Files.writeString(page, "# Results\n\nSomething measured before.\n");
        NabReport.writeSection(page, NabReport.markdown(OURS, NabReport.SHARED_39, List.of(), List.of("first run")));
        NabReport.Row better = new NabReport.Row("odestream", "the 39 shared series", 60.0, 45.0, 65.0);
        Files.writeString(page, Files.readString(page) + "\nHand-written notes after the section.\n");
        NabReport.writeSection(page, NabReport.markdown(better, NabReport.SHARED_39, List.of(), List.of("second run")));

        String text = Files.readString(page);
        assertTrue(text.startsWith("# Results\n\nSomething measured before.\n"), text);
        assertTrue(text.endsWith("Hand-written notes after the section.\n"), text);
        assertEquals(1, occurrences(text, "## NAB"), "one heading");
        assertEquals(1, occurrences(text, NabReport.BEGIN), "one section");
        assertEquals(1, occurrences(text, NabReport.END));
        assertTrue(text.contains("| **odestream** | the 39 shared series | **60.00** | **45.00** | **65.00** |"), text);
        assertTrue(text.contains("| Numenta HTM (NAB's stored results) | the 39 shared series | 71.14 | 64.46 | 75.50 |"));
        assertTrue(text.contains("- second run"));
        assertFalse(text.contains("first run"));
    }

    static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    @Test
    void thePublishedScoreboardIsReadBestFirst(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("final_results.json");
        Files.writeString(json, "{\"null\": {\"standard\": 0.0, \"reward_low_FP_rate\": 0.0, \"reward_low_FN_rate\": 0.0},"
                + " \"ARTime\": {\"standard\": 74.85, \"reward_low_FP_rate\": 65.15, \"reward_low_FN_rate\": 80.36},"
                + " \"numenta\": {\"standard\": 70.10, \"reward_low_FP_rate\": 63.12, \"reward_low_FN_rate\": 74.32}}");
        List<NabReport.Row> rows = NabReport.readPublished(json);
        assertEquals(List.of("ARTime", "numenta", "null"), rows.stream().map(NabReport.Row::detector).toList());
        assertEquals(65.15, rows.get(0).lowFp());
        assertTrue(rows.get(0).corpus().contains("58"), "published figures are over all 58 series");
    }
}
