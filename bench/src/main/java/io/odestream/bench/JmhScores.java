package io.odestream.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;

/** Reads one benchmark's score out of a JMH run, for the tables the benchmarks' mains print. */
final class JmhScores {
    private JmhScores() {
    }

    /**
     * The primary score of {@code method} whose parameters have the given values ({@code params}: name,
     * value, name, value, …; none for a benchmark without parameters).
     */
    static double score(Collection<RunResult> results, String method, String... params) {
        if (params.length % 2 != 0) {
            throw new IllegalArgumentException("params are name, value pairs, got " + params.length + " strings");
        }
        List<String> seen = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            seen.add(name + " " + r.getParams());
            boolean matches = name.endsWith("." + method);
            for (int i = 0; matches && i < params.length; i += 2) {
                matches = params[i + 1].equals(r.getParams().getParam(params[i]));
            }
            if (matches) {
                return r.getPrimaryResult().getScore();
            }
        }
        throw new IllegalStateException("no result for " + method + " " + String.join(" ", params) + " among " + seen);
    }
}
