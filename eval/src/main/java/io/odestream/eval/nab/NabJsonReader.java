package io.odestream.eval.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads NAB's JSON inputs: the label windows ({@code combined_windows.json}) and the profiles ({@code profiles.json}). */
public final class NabJsonReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NabJsonReader() {
    }

    /** File path relative to {@code data/} → its windows in file order. */
    public static Map<String, List<LabelWindow>> readWindows(Path file) {
        JsonNode root = read(file);
        if (!root.isObject()) {
            throw new NabInputException(file + ": expected an object {\"category/file.csv\": [[start, end], ...]}");
        }
        Map<String, List<LabelWindow>> windows = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = file + ", entry " + entry.getKey();
            if (!entry.getValue().isArray()) {
                throw new NabInputException(where + ": expected a list of [start, end] pairs");
            }
            List<LabelWindow> list = new ArrayList<>();
            for (JsonNode pair : entry.getValue()) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                    throw new NabInputException(where + ": window " + pair + " is not a [\"start\", \"end\"] pair");
                }
                try {
                    list.add(new LabelWindow(NabTimestamp.parse(pair.get(0).asText(), where),
                            NabTimestamp.parse(pair.get(1).asText(), where)));
                } catch (IllegalArgumentException e) {
                    throw new NabInputException(where + ": " + e.getMessage());
                }
            }
            windows.put(entry.getKey(), List.copyOf(list));
        }
        return windows;
    }

    /** The profiles in file order, e.g. standard, reward_low_FP_rate, reward_low_FN_rate. */
    public static List<CostProfile> readProfiles(Path file) {
        JsonNode root = read(file);
        List<CostProfile> profiles = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode costs = entry.getValue().path("CostMatrix");
            String where = file + ", profile " + entry.getKey();
            try {
                profiles.add(new CostProfile(entry.getKey(), weight(costs, "tpWeight", where),
                        weight(costs, "fpWeight", where), weight(costs, "fnWeight", where)));
            } catch (IllegalArgumentException e) {
                throw new NabInputException(where + ": " + e.getMessage());
            }
        }
        if (profiles.isEmpty()) {
            throw new NabInputException(file + ": no profiles; expected {\"standard\": {\"CostMatrix\": {\"tpWeight\": 1.0, "
                    + "\"fpWeight\": 0.11, \"fnWeight\": 1.0}}, ...}");
        }
        return profiles;
    }

    private static double weight(JsonNode costs, String field, String where) {
        JsonNode w = costs.get(field);
        if (w == null || !w.isNumber()) {
            throw new NabInputException(where + ": CostMatrix." + field + " is missing or not a number");
        }
        return w.asDouble();
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (NoSuchFileException e) {
            throw new NabInputException(file + ": no such file; check the path", e);
        } catch (IOException e) {
            if (!file.toFile().exists()) {
                throw new NabInputException(file + ": no such file; check the path", e);
            }
            throw new NabInputException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
    }
}
