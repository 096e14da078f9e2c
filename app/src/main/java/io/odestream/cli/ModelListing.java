package io.odestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.odestream.finetune.ForecastMetrics;
import io.odestream.registry.RegistrySnapshot;
import io.odestream.registry.ServingControl;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingChange;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@code odestream models list} prints for one model: a table an operator reads at a glance
 * (times to the second, the held-out forecast metrics rounded in aligned columns, versions without
 * them marked as not comparable) or, with {@code --json}, every field at full precision.
 */
final class ModelListing {
    private static final DateTimeFormatter SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String ROW = "  %-1s %7s %7s  %-19s  %9s %9s %6s  %s%n";

    private ModelListing() {
    }

    /** The table of {@code modelId}: its pin, versions (serving one starred) and serving history. */
    static void text(RegistrySnapshot s, String modelId, PrintWriter out) {
        RegistryServing pointer = s.serving(modelId).orElse(null);
        Long serving = pointer == null ? null : pointer.getServingVersion();
        out.println("model " + modelId + (serving == null ? " (not promoted)" : " (serving version " + serving + ")")
                + (pointer == null ? "" : ServingControl.of(pointer).pin()
                        .map(c -> " pinned by " + c.getAction() + " at " + time(c.getChangedAt())).orElse("")));
        out.printf(Locale.ROOT, ROW, "", "version", "parent", "created (UTC)", "NLL/obs", "MAE", "cov90", "checksum");
        for (ModelArtifact a : s.versions(modelId)) {
            String star = Long.valueOf(a.getVersion()).equals(serving) ? "*" : "";
            String parent = a.getParentVersion() == null ? "-" : a.getParentVersion().toString();
            String checksum = a.getChecksum().substring(0, Math.min(12, a.getChecksum().length()));
            ForecastMetrics m = ForecastMetrics.of(a.getMetrics()).orElse(null);
            if (m != null) {
                out.printf(Locale.ROOT, ROW, star, a.getVersion(), parent, time(a.getCreatedAt()),
                        String.format(Locale.ROOT, "%.3f", m.nllPerObservation()), number(m.mae()),
                        String.format(Locale.ROOT, "%.2f", m.coverage90()), checksum);
            } else {
                out.printf(Locale.ROOT, "  %-1s %7s %7s  %-19s  %-26s  %s  not comparable%s%n", star, a.getVersion(),
                        parent, time(a.getCreatedAt()), "(no held-out forecast)", checksum, older(a.getMetrics()));
            }
        }
        if (pointer != null) {
            out.println("  serving history:");
            for (RegistryServingChange c : pointer.getHistory()) {
                out.println("    " + time(c.getChangedAt()) + "  " + c.getAction() + " " + c.getVersion()
                        + (c.getFromVersion() == null || c.getFromVersion() == c.getVersion() ? ""
                                : " (was " + c.getFromVersion() + ")")
                        + "  " + c.getReason()
                        + (c.getChangedBy().isEmpty() ? "" : "  [" + c.getChangedBy()
                                + (c.getAutomated() ? ", automated" : "") + "]"));
            }
        }
    }

    /** Every listed model as one JSON document: versions with all their metrics, the pointer and its history. */
    static void json(RegistrySnapshot s, List<String> modelIds, PrintWriter out) throws Exception {
        List<Map<String, Object>> models = new ArrayList<>();
        for (String modelId : modelIds) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("model", modelId);
            RegistryServing pointer = s.serving(modelId).orElse(null);
            model.put("servingVersion", pointer == null ? null : pointer.getServingVersion());
            model.put("pinnedBy", pointer == null ? null
                    : ServingControl.of(pointer).pin().map(c -> c.getAction().name()).orElse(null));
            List<Map<String, Object>> versions = new ArrayList<>();
            for (ModelArtifact a : s.versions(modelId)) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("version", a.getVersion());
                v.put("parent", a.getParentVersion());
                v.put("createdAt", a.getCreatedAt().toString());
                v.put("checksum", a.getChecksum());
                v.put("comparable", ForecastMetrics.of(a.getMetrics()).isPresent());
                v.put("metrics", new TreeMap<>(a.getMetrics()));
                v.put("lineage", new TreeMap<>(a.getLineage()));
                versions.add(v);
            }
            model.put("versions", versions);
            List<Map<String, Object>> history = new ArrayList<>();
            if (pointer != null) {
                for (RegistryServingChange c : pointer.getHistory()) {
                    Map<String, Object> h = new LinkedHashMap<>();
                    h.put("changedAt", c.getChangedAt().toString());
                    h.put("action", c.getAction().name());
                    h.put("version", c.getVersion());
                    h.put("fromVersion", c.getFromVersion());
                    h.put("reason", c.getReason());
                    h.put("changedBy", c.getChangedBy());
                    h.put("automated", c.getAutomated());
                    history.add(h);
                }
            }
            model.put("history", history);
            models.add(model);
        }
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(Map.of("models", models)));
    }

    private static String time(Instant t) {
        return SECONDS.format(t);
    }

    /** Four significant digits: errors come in the data's units, whatever their scale. */
    private static String number(double x) {
        return String.format(Locale.ROOT, "%.4g", x);
    }

    /** The metrics an older artifact has instead (e.g. an ELBO's validation_loss), rounded. */
    private static String older(Map<String, Double> metrics) {
        if (metrics.isEmpty()) {
            return "";
        }
        return new TreeMap<>(metrics).entrySet().stream().map(e -> e.getKey() + "=" + number(e.getValue()))
                .collect(Collectors.joining(" ", " (", ")"));
    }
}
