package io.odestream.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A generated section of a Markdown report (docs/RESULTS.md): written between its begin and end
 * markers, so that a rerun replaces it and leaves the rest of the file alone; appended under its
 * heading when the file does not have it yet.
 */
public final class ReportSection {
    private ReportSection() {
    }

    /**
     * A run's section: its lines (the command, the time), each a paragraph, then the body, between
     * the markers.
     */
    public static void writeRun(Path file, String begin, String end, String heading, java.util.List<String> runLines,
                                String body) {
        StringBuilder md = new StringBuilder();
        md.append(begin).append("\n\n");
        for (String line : runLines) {
            md.append(line).append("\n\n");
        }
        md.append(body).append('\n').append(end).append('\n');
        write(file, begin, end, heading, md.toString());
    }

    /**
     * @param section the section's text, markers included
     * @param heading the Markdown heading it is appended under when {@code file} lacks the markers
     */
    public static void write(Path file, String begin, String end, String heading, String section) {
        try {
            String text = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            int from = text.indexOf(begin);
            int to = text.indexOf(end);
            String updated;
            if (from >= 0 && to > from) {
                updated = text.substring(0, from) + section + text.substring(to + end.length()).replaceFirst("^\n", "");
            } else {
                updated = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "\n" + heading + "\n\n" + section;
            }
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, updated, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot update the report (" + e.getMessage() + ")", e);
        }
    }
}
