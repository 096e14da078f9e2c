package io.odestream.bench;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoSetup;
import io.odestream.demo.DemoStream;
import io.odestream.job.SampleSeed;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.ScoreMode;
import io.odestream.schema.Observation;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's score and update per event on one thread (issue 21): the demo stream's observations
 * through the java backend one at a time ({@link FilterBatchUpdater#scoreAndUpdate(LatentFilter,
 * ObservationUpdate)}, the job's unbatched path) and in micro-batches of up to B series
 * ({@link FilterBatchUpdater}: one grouped decoder solve and one encoder solve per batch), B = 1, 8,
 * 32, 128, the variants interleaved round by round in one JVM. A batch is cut as the job's
 * micro-batching cuts it: observations in event-time order, at most one per series (a series' next
 * observation waits for the next batch, its order kept), at most B. The
 * alert policy is not in it (it is the same per event either way). Prints a Markdown table per score
 * mode: median CPU µs per event of the thread (min–max), the ratio to the unbatched path of the same
 * run, the mean batch size reached, and bytes allocated per event. The unbatched path and B = 32 run
 * twice, with and without the step size carried per series ({@link LatentFilter#carryStepSizes}):
 * the lever's ratio from the same run.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     io.odestream.bench.BatchedUpdateCostBenchmark [series] [rounds] [minutes] [events]
 * </pre>
 */
public final class BatchedUpdateCostBenchmark {
    private static final int[] BATCH_SERIES = {1, 8, 32, 128};

    private BatchedUpdateCostBenchmark() {
    }

    public static void main(String[] args) {
        int seriesCount = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int minutes = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(seriesCount)
                .withSpan(Duration.ofMinutes(minutes)).withSeed(20240101));
        List<Observation> observations = new ArrayList<>(stream.observations());
        observations.sort(Comparator.comparingLong(o -> o.getEventTime().toEpochMilli()));
        Event[] events = Event.of(observations.subList(0, Math.min(limit, observations.size())));
        int samples = DemoSetup.monitorSettings().scoreSamples();
        LatentFilter filter = LatentFilter.init(DemoModel.bundled());
        System.out.printf("%n%d events of %d series (demo stream, seed 20240101, %d min), %s, %d rounds after one "
                + "warm-up; CPU time of the thread%n", events.length, seriesCount, minutes, filter.model().spec(), rounds);
        for (ScoreMode mode : ScoreMode.values()) {
            Map<String, Variant> variants = new LinkedHashMap<>();
            variants.put("unbatched (per series)", new Variant(0, rounds, true));
            variants.put("unbatched, fresh first steps", new Variant(0, rounds, false));
            for (int b : BATCH_SERIES) {
                variants.put("batched, B = " + b, new Variant(b, rounds, true));
            }
            variants.put("batched, B = 32, fresh first steps", new Variant(32, rounds, false));
            // round -1 compiles everything and is not counted
            for (int r = -1; r < rounds; r++) {
                for (Variant v : variants.values()) {
                    filter.carryStepSizes(v.carry);
                    Pass p = Pass.run(filter, events, seriesCount, v.batch, mode, samples);
                    if (r >= 0) {
                        v.cpu[r] = p.cpuMicros();
                        v.last = p;
                    }
                }
            }
            System.out.printf("%nscore: %s%s%n%n", mode.optionName(),
                    switch (mode) {
                        case MONTE_CARLO -> ", K = " + samples;
                        case SIGMA_POINTS -> " (2L + 1 rows)";
                        case MEAN_PATH -> " (1 row)";
                    });
            System.out.println("| path | CPU µs per event, median (min–max) | × unbatched | mean batch | "
                    + "evaluations per event | bytes allocated per event |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            double baseline = Double.NaN;
            for (Map.Entry<String, Variant> e : variants.entrySet()) {
                double[] m = e.getValue().cpu.clone();
                Arrays.sort(m);
                double median = m[m.length / 2];
                if (Double.isNaN(baseline)) {
                    baseline = median;
                }
                Pass p = e.getValue().last;
                System.out.printf("| %s | %.1f (%.1f–%.1f) | %.2f | %.1f | %.1f | %,.0f |%n", e.getKey(), median, m[0],
                        m[m.length - 1], median / baseline, p.meanBatch(), p.evaluations(), p.bytes());
            }
        }
    }

    /** A path: 0 the unbatched one, else batches of up to that many series; steps carried or not; CPU µs per round. */
    private static final class Variant {
        final int batch;
        final boolean carry;
        final double[] cpu;
        Pass last;

        Variant(int batch, int rounds, boolean carry) {
            this.batch = batch;
            this.carry = carry;
            this.cpu = new double[rounds];
        }
    }

    /** One observation as the job reads it (null and non-finite values missing), with its series' index. */
    private record Event(int series, long timeMillis, double[] values, boolean[] mask, long seed) {
        static Event[] of(List<Observation> observations) {
            Map<String, Integer> index = new HashMap<>();
            Event[] events = new Event[observations.size()];
            for (int i = 0; i < events.length; i++) {
                Observation o = observations.get(i);
                long t = o.getEventTime().toEpochMilli();
                double[] x = new double[o.getValues().size()];
                boolean[] observed = OfflineStep.read(o, x);
                int s = index.computeIfAbsent(o.getSeriesId(), k -> index.size());
                events[i] = new Event(s, t, x, observed, SampleSeed.of(o.getSeriesId(), t));
            }
            return events;
        }
    }

    /** One pass over the stream with fresh series: CPU µs, bytes and evaluations per event, the mean batch size. */
    private record Pass(double cpuMicros, double bytes, double meanBatch, double evaluations) {
        static Pass run(LatentFilter filter, Event[] events, int seriesCount, int batch, ScoreMode mode,
                        int samples) {
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            FilterState[] states = new FilterState[seriesCount];
            FilterBatchUpdater updater = new FilterBatchUpdater(filter);
            int batches = 0;
            long evaluations = filter.functionEvaluations();
            long bytes = threads.getThreadAllocatedBytes(thread);
            long cpu = threads.getCurrentThreadCpuTime();
            if (batch == 0) {
                for (Event e : events) {
                    apply(e, FilterBatchUpdater.scoreAndUpdate(filter, update(filter, states, e, mode, samples)), states);
                }
            } else {
                batches = inBatches(filter, updater, events, states, batch, mode, samples);
            }
            long cpuNanos = threads.getCurrentThreadCpuTime() - cpu;
            int n = events.length;
            return new Pass(cpuNanos / 1e3 / n, (threads.getThreadAllocatedBytes(thread) - bytes) / (double) n,
                    batch == 0 ? 1 : n / (double) batches, (filter.functionEvaluations() - evaluations) / (double) n);
        }

        /**
         * The events in batches of at most {@code batch} series, one observation per series per batch:
         * a series' later observation, and every one after it, waits in order for a later batch.
         * Returns how many batches there were.
         */
        private static int inBatches(LatentFilter filter, BatchUpdater updater, Event[] events, FilterState[] states,
                                     int batch, ScoreMode mode, int samples) {
            List<ObservationUpdate> pending = new ArrayList<>(batch);
            List<Event> pendingEvents = new ArrayList<>(batch);
            ArrayDeque<Event> waiting = new ArrayDeque<>();
            int[] waitingOf = new int[states.length];
            boolean[] inBatch = new boolean[states.length];
            int batches = 0;
            int next = 0;
            while (next < events.length || !waiting.isEmpty()) {
                int deferred = waiting.size();
                for (int i = 0; i < deferred; i++) {
                    Event e = waiting.poll();
                    if (pending.size() < batch && !inBatch[e.series()]) {
                        waitingOf[e.series()]--;
                        add(filter, e, states, mode, samples, pending, pendingEvents, inBatch);
                    } else {
                        waiting.add(e);
                    }
                }
                while (pending.size() < batch && next < events.length) {
                    Event e = events[next++];
                    if (inBatch[e.series()] || waitingOf[e.series()] > 0) {
                        waiting.add(e);
                        waitingOf[e.series()]++;
                    } else {
                        add(filter, e, states, mode, samples, pending, pendingEvents, inBatch);
                    }
                }
                flush(updater, pending, pendingEvents, inBatch, states);
                batches++;
            }
            return batches;
        }

        private static void add(LatentFilter filter, Event e, FilterState[] states, ScoreMode mode, int samples,
                                List<ObservationUpdate> pending, List<Event> pendingEvents, boolean[] inBatch) {
            pending.add(update(filter, states, e, mode, samples));
            pendingEvents.add(e);
            inBatch[e.series()] = true;
        }

        /** The series' update: its first observation absorbed unscored, as the job does. */
        private static ObservationUpdate update(LatentFilter filter, FilterState[] states, Event e, ScoreMode mode,
                                                int samples) {
            FilterState s = states[e.series()];
            boolean first = s == null;
            return new ObservationUpdate(first ? filter.start(e.timeMillis()) : s, e.timeMillis(), e.values(),
                    e.mask(), first ? 0 : samples, e.seed(), mode);
        }

        private static void flush(BatchUpdater updater, List<ObservationUpdate> pending, List<Event> pendingEvents,
                                  boolean[] inBatch, FilterState[] states) {
            BatchUpdater.Outcome[] outcomes = updater.scoreAndUpdate(pending);
            for (int i = 0; i < outcomes.length; i++) {
                Event e = pendingEvents.get(i);
                apply(e, outcomes[i], states);
                inBatch[e.series()] = false;
            }
            pending.clear();
            pendingEvents.clear();
        }

        private static void apply(Event e, BatchUpdater.Outcome outcome, FilterState[] states) {
            if (outcome.next() != null) {
                states[e.series()] = outcome.next();
            }
        }
    }
}
