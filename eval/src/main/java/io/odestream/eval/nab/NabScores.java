package io.odestream.eval.nab;

import java.util.List;
import java.util.Locale;

/** NAB scores of one detector on one corpus, per profile; {@link #table()} prints them. */
public record NabScores(List<ProfileScore> profiles) {
    public NabScores {
        profiles = List.copyOf(profiles);
    }

    public ProfileScore profile(String name) {
        return profiles.stream().filter(p -> p.profile().name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no profile '" + name + "'"));
    }

    /** The normalised score per profile (thresholds in full: scores near 1 differ in the last digits), then per profile a per-file table of raw scores and counts. */
    public String table() {
        StringBuilder out = new StringBuilder();
        ProfileScore any = profiles.get(0);
        int windows = any.files().stream().mapToInt(FileScore::windows).sum();
        out.append(String.format(Locale.ROOT, "NAB scores over %d files, %d windows%n%n", any.files().size(), windows));
        out.append(String.format(Locale.ROOT, "%-20s %10s %20s %10s %10s %10s%n",
                "profile", "score", "threshold", "raw", "null", "perfect"));
        for (ProfileScore p : profiles) {
            out.append(String.format(Locale.ROOT, "%-20s %10.2f %20s %10.4f %10.4f %10.4f%n", p.profile().name(),
                    p.normalizedScore(), Double.toString(p.threshold()), p.rawScore(), p.nullScore(), p.perfectScore()));
        }
        int width = Math.max(4, any.files().stream().mapToInt(f -> f.name().length()).max().orElse(4));
        for (ProfileScore p : profiles) {
            out.append(String.format(Locale.ROOT, "%n%s (threshold %s)%n", p.profile().name(), Double.toString(p.threshold())));
            out.append(String.format(Locale.ROOT, "%-" + width + "s %7s %4s %10s %6s %7s %6s %7s%n",
                    "file", "rows", "win", "raw", "TP", "FP", "FN", "TN"));
            for (FileScore f : p.files()) {
                out.append(String.format(Locale.ROOT, "%-" + width + "s %7d %4d %10.4f %6d %7d %6d %7d%n",
                        f.name(), f.rows(), f.windows(), f.score(), f.tp(), f.fp(), f.fn(), f.tn()));
            }
        }
        return out.toString();
    }
}
