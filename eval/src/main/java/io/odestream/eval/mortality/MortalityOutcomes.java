package io.odestream.eval.mortality;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-hospital death of each stay from a PhysioNet 2012 outcomes file
 * ({@code RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death}, one row per stay).
 */
public final class MortalityOutcomes {
    static final String RECORD_ID = "RecordID";
    static final String DEATH = "In-hospital_death";

    private MortalityOutcomes() {
    }

    /** RecordID → died in hospital. */
    public static Map<String, Boolean> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the outcomes file " + file + " (" + e.getMessage() + ")", e);
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(file + " is empty; expected a header with " + RECORD_ID + " and " + DEATH);
        }
        List<String> header = List.of(lines.get(0).trim().split(","));
        int id = header.indexOf(RECORD_ID);
        int death = header.indexOf(DEATH);
        if (id < 0 || death < 0) {
            throw new IllegalArgumentException(file + ": the header must name " + RECORD_ID + " and " + DEATH + ", got "
                    + lines.get(0));
        }
        Map<String, Boolean> out = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split(",");
            if (cells.length <= Math.max(id, death)) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": too few columns in '" + line + "'");
            }
            String value = cells[death].trim();
            if (!value.equals("0") && !value.equals("1")) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + DEATH + " must be 0 or 1, got '"
                        + value + "'");
            }
            out.put(cells[id].trim(), value.equals("1"));
        }
        return out;
    }
}
