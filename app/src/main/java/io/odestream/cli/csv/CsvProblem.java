package io.odestream.cli.csv;

/** A row that was skipped: its 1-based line number in the file (the header is line 1) and why. */
public record CsvProblem(String source, long line, String reason) {
    @Override
    public String toString() {
        return source + ":" + line + ": " + reason;
    }
}
