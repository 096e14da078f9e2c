package io.odestream.eval.nab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * NAB scores of one detector run from several seeds: their mean, which a report leads with, and how
 * far they spread. The per-series fits find or miss whole label windows from seed to seed (several
 * points of the standard profile), so one seed's figure says little about a change.
 *
 * @param seeds   the seeds, in the order they ran
 * @param perSeed each seed's scores, in the same order
 */
public record SeedSpread(List<Long> seeds, List<NabReport.Row> perSeed) {

    public SeedSpread {
        if (seeds.isEmpty() || seeds.size() != perSeed.size()) {
            throw new IllegalArgumentException("one row of scores per seed, at least one seed; got " + seeds.size()
                    + " seeds and " + perSeed.size() + " rows");
        }
        seeds = List.copyOf(seeds);
        perSeed = List.copyOf(perSeed);
    }

    /**
     * The seeds a list such as {@code 1-9}, {@code 3,7,11} or {@code 1-3,7} names, in its order. Each
     * seed at most once: a repeated seed would count one run twice in the mean.
     */
    public static List<Long> parse(String list) {
        List<Long> seeds = new ArrayList<>();
        for (String part : list.split(",", -1)) {
            String p = part.trim();
            int dash = p.indexOf('-', 1);
            try {
                if (dash < 0) {
                    seeds.add(Long.parseLong(p));
                } else {
                    long from = Long.parseLong(p.substring(0, dash).trim());
                    long to = Long.parseLong(p.substring(dash + 1).trim());
                    if (to < from || to - from >= 1000) {
                        throw new IllegalArgumentException("the range " + p + " must run upwards over at most 1000 seeds");
                    }
                    for (long s = from; s <= to; s++) {
                        seeds.add(s);
                    }
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + p + "' is not a seed or a range FROM-TO (e.g. 1-9 or 3,7,11)");
            }
        }
        if (seeds.stream().distinct().count() != seeds.size()) {
            throw new IllegalArgumentException("a seed is named twice in " + list);
        }
        return List.copyOf(seeds);
    }

    /** The mean of the seeds' scores, as a report row. */
    public NabReport.Row mean(String detector, String corpus) {
        return new NabReport.Row(detector, corpus, mean(NabReport.Row::standard), mean(NabReport.Row::lowFp),
                mean(NabReport.Row::lowFn));
    }

    /** Lines that say each seed's scores and their spread (sample standard deviation, range). */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        StringBuilder each = new StringBuilder("standard / reward_low_FP_rate / reward_low_FN_rate per seed:");
        for (int i = 0; i < seeds.size(); i++) {
            NabReport.Row r = perSeed.get(i);
            each.append(String.format(Locale.ROOT, "%s seed %d %.2f / %.2f / %.2f", i == 0 ? "" : ";", seeds.get(i),
                    r.standard(), r.lowFp(), r.lowFn()));
        }
        lines.add(each.toString());
        lines.add(String.format(Locale.ROOT, "over the %d seeds: mean %.2f / %.2f / %.2f, standard deviation "
                        + "%s / %s / %s, range %.2f–%.2f / %.2f–%.2f / %.2f–%.2f", seeds.size(),
                mean(NabReport.Row::standard), mean(NabReport.Row::lowFp), mean(NabReport.Row::lowFn),
                sd(NabReport.Row::standard), sd(NabReport.Row::lowFp), sd(NabReport.Row::lowFn),
                min(NabReport.Row::standard), max(NabReport.Row::standard), min(NabReport.Row::lowFp),
                max(NabReport.Row::lowFp), min(NabReport.Row::lowFn), max(NabReport.Row::lowFn)));
        return lines;
    }

    double mean(ToDoubleFunction<NabReport.Row> score) {
        return perSeed.stream().mapToDouble(score).average().orElseThrow();
    }

    /** The sample standard deviation, "–" for one seed (no spread can be estimated from one run). */
    String sd(ToDoubleFunction<NabReport.Row> score) {
        if (perSeed.size() < 2) {
            return "–";
        }
        double m = mean(score);
        double ss = perSeed.stream().mapToDouble(score).map(x -> (x - m) * (x - m)).sum();
        return String.format(Locale.ROOT, "%.2f", Math.sqrt(ss / (perSeed.size() - 1)));
    }

    private double min(ToDoubleFunction<NabReport.Row> score) {
        return perSeed.stream().mapToDouble(score).min().orElseThrow();
    }

    private double max(ToDoubleFunction<NabReport.Row> score) {
        return perSeed.stream().mapToDouble(score).max().orElseThrow();
    }
}
