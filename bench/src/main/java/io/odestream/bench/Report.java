package io.odestream.bench;

import io.odestream.job.forecast.ForecastJob;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The pipeline benchmark's result table (Markdown, ready for bench/README.md) and notes on what each
 * figure includes. The throughput rows are absent when the run skipped them ({@code --skip-throughput}).
 */
final class Report {
    private Report() {
    }

    static void print(PipelineOptions o, BenchModel model, BenchStream stream, PipelineBenchmark.Throughput passBefore,
                      PipelineBenchmark.Throughput passAfter, List<PipelineBenchmark.ModelVariant> variants,
                      OfflineFilterCost offline, List<LatencyRun.Result> latencies, double loadAtEnd) {
        System.out.println();
        System.out.printf(Locale.ROOT, "### %s: %,d keys, %,d events, %d partitions, parallelism %d, %s state, "
                        + "load %.2f at the end%n%n", LocalDate.now(), o.keys(), stream.size(), o.partitions(),
                o.parallelism(), o.stateBackend(), loadAtEnd);
        System.out.println("| measure | value |");
        System.out.println("|---|---|");
        if (!variants.isEmpty()) {
            throughputRows(o, passBefore, passAfter, variants, offline);
        }
        long bound = o.outOfOrderness().toMillis();
        for (LatencyRun.Result r : latencies) {
            System.out.printf(Locale.ROOT, "| event→alert latency, %s, batching %s | p50 %.0f ms, p99 %.0f ms; minus the "
                            + "%d ms bound: p50 %.0f ms, p99 %.0f ms (%d alerts at %.0f events/s, %,d keys) |%n",
                    PipelineBenchmark.label(r.mode()), o.latencyBatching(), r.quantile(0.5), r.quantile(0.99), bound,
                    r.quantile(0.5) - bound, r.quantile(0.99) - bound, r.alerts(), r.sentRate(), r.keys());
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "- model: %s%n", model.description());
        for (PipelineBenchmark.ModelVariant v : variants) {
            PipelineBenchmark.ModelFigures f = v.figures();
            long falseAlarms = f.alerts() - f.alertsAtInjected();
            System.out.printf(Locale.ROOT, "- model job, batching %s: %,d alerts, %d of them at the %d injected jumps "
                            + "(%.0f %% alerted); %,d false alarms (%.2f per 10 000 events); %,d late observations, "
                            + "%,d applied before the model arrived, %d solver failures%n", v.variant(), f.alerts(),
                    f.alertsAtInjected(), f.injected(),
                    f.injected() == 0 ? Double.NaN : 100.0 * f.alertsAtInjected() / f.injected(),
                    falseAlarms, 1e4 * falseAlarms / Math.max(1, stream.size()), f.late(), f.beforeModel(),
                    f.solverFailures());
        }
        if (!variants.isEmpty()) {
            System.out.printf(Locale.ROOT, "- throughput: from the first record through the pipeline to the end of "
                    + "the bounded job (final checkpoint and commit included, start-up not); checkpoints every %d ms; "
                    + "the pass-through job writes one record per series every %d events%n",
                    o.checkpointInterval().toMillis(), o.emitEvery());
            System.out.printf(Locale.ROOT, "- per-event cost in the operator: the updater's histograms, the last "
                    + "≤ 2048 updates of each subtask; job µs per event = parallelism / events per second (CPU "
                    + "time of the job's subtasks per event if they are always busy)%n");
        }
        if (!latencies.isEmpty()) {
            System.out.printf(Locale.ROOT, "- latency: from the producer's send to the alert at a read_committed "
                            + "consumer, events sent in a %d s window after %d s of warm-up, event time = send time; "
                            + "it includes the watermark wait (out-of-orderness %d ms + up to a %d ms watermark "
                            + "interval + up to a %d ms network buffer timeout) and, exactly-once, the wait for the "
                            + "next checkpoint (every %d ms) and its commit; jumps %.0f x 6-10 sigma%n",
                    o.latencySeconds(), o.latencyWarmupSeconds(), o.outOfOrderness().toMillis(),
                    o.watermarkIntervalMillis() >= 0 ? o.watermarkIntervalMillis()
                            : ForecastJob.WATERMARK_INTERVAL.toMillis(),
                    o.bufferTimeoutMillis() >= 0 ? o.bufferTimeoutMillis() : ForecastJob.BUFFER_TIMEOUT.toMillis(),
                    o.latencyCheckpoint().toMillis(), o.latencyJumpScale());
        }
        for (PipelineBenchmark.ModelVariant v : variants) {
            if (v.figures().late() > 0) {
                System.out.printf(Locale.ROOT, "- WARNING (batching %s): %,d observations were late, sent to the late "
                        + "topic without being scored, so the model job's events/s overstates what it does per scored "
                        + "event. In a bounded read of a backlog a source subtask that reads several partitions can "
                        + "run one ahead of another by more than the out-of-orderness bound (its watermark is not per "
                        + "partition); a new series of the partition behind then starts too late and stays late. "
                        + "One partition per source subtask (--partitions = --parallelism) avoids it%n",
                        v.variant(), v.figures().late());
            }
        }
        for (LatencyRun.Result r : latencies) {
            if (r.quantile(0.5) < o.outOfOrderness().toMillis()) {
                System.out.printf(Locale.ROOT, "- WARNING (%s): the median latency is below the out-of-orderness "
                        + "bound (%d ms), so the job applied events before the watermark passed them: its "
                        + "event-time ordering was not in force during this run (an idle observation input lets the "
                        + "operator's watermark jump to the models stream's end-of-time watermark)%n",
                        PipelineBenchmark.label(r.mode()), o.outOfOrderness().toMillis());
            }
        }
    }

    private static void throughputRows(PipelineOptions o, PipelineBenchmark.Throughput passBefore,
                                       PipelineBenchmark.Throughput passAfter,
                                       List<PipelineBenchmark.ModelVariant> variants, OfflineFilterCost offline) {
        // The faster pass-through run is the baseline: the ratio is then the conservative one.
        double pass = Math.max(passBefore.perSecond(), passAfter.perSecond());
        System.out.printf(Locale.ROOT, "| pass-through keyed job | %,.0f events/s (runs before / after the model jobs: "
                + "%,.0f / %,.0f); %.1f µs per event in the job |%n", pass, passBefore.perSecond(),
                passAfter.perSecond(), jobMicros(o, pass));
        for (PipelineBenchmark.ModelVariant v : variants) {
            PipelineBenchmark.ModelFigures f = v.figures();
            double rate = v.throughput().perSecond();
            double ratio = rate / pass;
            double operatorMicros = Stats.mean(f.updateMicros());
            System.out.printf(Locale.ROOT, "| model job, batching %s | %,.0f events/s, **%.0f %%** of pass-through (goal "
                            + "≥ 50 %%: %s); %.1f µs per event in the job; model in the operator mean %.0f µs, p50 %.0f µs, "
                            + "p99 %.0f µs (%s), %.0f %% of the subtasks' wall time; %d of %d "
                            + "injected jumps alerted; %,d late (not scored) |%n", v.variant(), rate, 100 * ratio,
                    ratio >= 0.5 ? "met" : "not met",
                    jobMicros(o, rate), operatorMicros, Stats.quantile(f.updateMicros(), 0.5),
                    Stats.quantile(f.updateMicros(), 0.99), f.evaluations().length == 0
                            ? "evaluations not counted: the backend solves on its own model"
                            : String.format(Locale.ROOT, "%.0f function evaluations", Stats.mean(f.evaluations())),
                    100 * operatorMicros * 1e-6 * v.throughput().events() / (v.throughput().seconds() * o.parallelism()),
                    f.alertsAtInjected(), f.injected(), f.late());
        }
        cpuRow("pass-through keyed job, faster run", passBefore.perSecond() >= passAfter.perSecond() ? passBefore : passAfter,
                Double.NaN);
        for (PipelineBenchmark.ModelVariant v : variants) {
            cpuRow("model job, batching " + v.variant(), v.throughput(), Stats.mean(v.figures().updateMicros()));
        }
        System.out.printf(Locale.ROOT, "| model per event, one thread, no Flink/Kafka | %.0f µs (%,d events) → at "
                        + "most %,.0f events/s at parallelism %d |%n", offline.micros(), offline.events(),
                o.parallelism() * 1e6 / offline.micros(), o.parallelism());
    }

    /**
     * Where the machine's CPU went during a job, per event ({@link CpuSplit}); {@code modelMicros} the
     * model's mean time in the operator (NaN: no model), which is inside the updater's threads.
     */
    private static void cpuRow(String job, PipelineBenchmark.Throughput t, double modelMicros) {
        CpuSplit.Result cpu = t.cpu();
        if (cpu == null) {
            return;
        }
        double perEvent = 1e6 / t.events();
        StringBuilder areas = new StringBuilder();
        for (CpuSplit.Area a : CpuSplit.Area.values()) {
            areas.append(areas.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s %.1f", a.description,
                    cpu.of(a) * perEvent));
            if (a == CpuSplit.Area.UPDATER && !Double.isNaN(modelMicros)) {
                areas.append(String.format(Locale.ROOT, " (the model's calls in them: %.0f)", modelMicros));
            }
            if (a == CpuSplit.Area.OTHER_JVM && !cpu.largestOtherThreads().isEmpty()) {
                areas.append(cpu.largestOtherThreads().stream().map(e -> String.format(Locale.ROOT, "%s %.1f",
                        e.getKey(), e.getValue() * perEvent)).collect(Collectors.joining(", ", " (", ")")));
            }
        }
        double idle = Math.max(0, cpu.cores() * cpu.wallSeconds() - cpu.benchmarkSeconds() - cpu.of(CpuSplit.Area.OTHER_PROCESSES));
        System.out.printf(Locale.ROOT, "| where the CPU went, %s: µs per event (%.1f s × %d cores) | %s; idle %.1f |%n",
                job, cpu.wallSeconds(), cpu.cores(), areas, idle * perEvent);
    }

    /** Subtask time per event when every subtask is busy all the time. */
    private static double jobMicros(PipelineOptions o, double eventsPerSecond) {
        return o.parallelism() * 1e6 / eventsPerSecond;
    }
}
