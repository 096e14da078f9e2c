package io.odestream.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the machine's CPU went while one job of the pipeline benchmark ran, by who took it: the
 * per-series operator's task threads, the JIT compilers, the sources, the garbage collector, the rest
 * of the benchmark's JVM, the embedded broker, and everything else on the machine. "µs per event in
 * the job" (parallelism ÷ events/s) only says the job is slow; this says which threads were busy, so
 * that a short run's JIT compilation or another session's build is not read as the job's own cost.
 *
 * <p>Read from Linux's {@code /proc} (per-thread ticks of this JVM, the machine's in {@code /proc/stat})
 * and the broker's process handle; {@link #start} returns empty elsewhere. Task threads end with their
 * job, so a daemon thread samples every {@link #PERIOD} and a thread counts what it had at its last
 * sample: a thread that ends loses at most one period.
 */
final class CpuSplit implements AutoCloseable {
    /** Each sample reads two small files per thread (~300 threads in a model job): ~1 % of a core at this period. */
    static final Duration PERIOD = Duration.ofMillis(500);
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final Path MACHINE = Path.of("/proc/stat");
    /** Linux's clock ticks per second for {@code /proc} times (USER_HZ, 100 on every mainstream kernel). */
    private static final double TICKS_PER_SECOND = 100.0;

    /** Who took the CPU; a thread's area comes from its native name ({@link #areaOf}). */
    enum Area {
        UPDATER("the keyed operator's threads (the model job's PosteriorUpdater: model, state, timers, chained "
                + "sinks; the pass-through's counter)"),
        COMPILER("JIT compiler threads"),
        SOURCES("source threads (Kafka fetch, decode, watermarks)"),
        /**
         * The benchmark's first-record clock where it cannot chain: behind the model job's union of its two
         * inputs it is a task of its own, a network hop (deserialise, serialise) the job itself does not have.
         */
        CLOCK("the benchmark's first-record clock task (a network hop the job itself does not have)"),
        GC("garbage collector and VM threads"),
        OTHER_JVM("the rest of the benchmark's JVM (checkpoints, network flusher, producers, Flink runtime)"),
        BROKER("the embedded Kafka broker (child JVM)"),
        OTHER_PROCESSES("other processes on the machine");

        final String description;

        Area(String description) {
            this.description = description;
        }
    }

    /**
     * CPU seconds per area over {@code wallSeconds}; {@code cores} × wall is what the machine had;
     * {@code largestOtherThreads} the busiest threads of {@link Area#OTHER_JVM} by kernel name (digits as N),
     * busiest first.
     */
    record Result(double wallSeconds, int cores, Map<Area, Double> seconds,
                  List<Map.Entry<String, Double>> largestOtherThreads) {
        double of(Area a) {
            return seconds.getOrDefault(a, 0.0);
        }

        /** CPU seconds of this process's threads and its broker: what the benchmark itself used. */
        double benchmarkSeconds() {
            return seconds.entrySet().stream().filter(e -> e.getKey() != Area.OTHER_PROCESSES)
                    .mapToDouble(Map.Entry::getValue).sum();
        }
    }

    /** What one sample read: every live thread's ticks, the machine's busy ticks, the broker's CPU seconds. */
    private record Snapshot(long nanos, Map<Long, Long> threadTicks, long machineTicks, double brokerSeconds) {
    }

    private final List<Snapshot> snapshots = new ArrayList<>();
    /** Each thread's last ticks seen, kept after it ends: a task thread ends with its job. */
    private final Map<Long, Long> lastTicks = new HashMap<>();
    private final Map<Long, Area> areas = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    /** Threads whose name was the same at two samples in a row: it is their own, not read again. */
    private final Set<Long> named = new HashSet<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private CpuSplit() throws IOException {
        sample();
        sampler = new Thread(this::sampleUntilClosed, "cpu-split sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts counting now; empty where {@code /proc} cannot be read (not Linux). */
    static Optional<CpuSplit> start() {
        if (!Files.isDirectory(TASKS) || !Files.isReadable(MACHINE)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new CpuSplit());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Stops counting: the split from the last sample at or before {@code fromNanos} ({@link System#nanoTime},
     * e.g. the job's first record, so that its start-up is left out) to now.
     */
    Result finish(long fromNanos) {
        running = false;
        try {
            sampler.join();
            synchronized (this) {
                sample();
                Snapshot from = snapshots.get(0);
                for (Snapshot s : snapshots) {
                    if (s.nanos() <= fromNanos) {
                        from = s;
                    }
                }
                Snapshot to = snapshots.get(snapshots.size() - 1);
                Map<Area, Double> seconds = new EnumMap<>(Area.class);
                Map<String, Double> others = new HashMap<>();
                double jvm = 0;
                for (Map.Entry<Long, Long> e : lastTicks.entrySet()) {
                    long ticks = e.getValue() - from.threadTicks().getOrDefault(e.getKey(), 0L);
                    if (ticks > 0) {
                        seconds.merge(areas.get(e.getKey()), ticks / TICKS_PER_SECOND, Double::sum);
                        jvm += ticks / TICKS_PER_SECOND;
                        if (areas.get(e.getKey()) == Area.OTHER_JVM) {
                            others.merge(names.get(e.getKey()).replaceAll("\\d+", "N"), ticks / TICKS_PER_SECOND,
                                    Double::sum);
                        }
                    }
                }
                double broker = to.brokerSeconds() - from.brokerSeconds();
                seconds.put(Area.BROKER, broker);
                seconds.put(Area.OTHER_PROCESSES,
                        Math.max(0, (to.machineTicks() - from.machineTicks()) / TICKS_PER_SECOND - jvm - broker));
                List<Map.Entry<String, Double>> largest = others.entrySet().stream()
                        .sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(4)
                        .map(e -> Map.entry(e.getKey(), e.getValue())).toList();
                return new Result((to.nanos() - from.nanos()) / 1e9, Runtime.getRuntime().availableProcessors(),
                        seconds, largest);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not read the CPU times under /proc: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the CPU sampler", e);
        }
    }

    @Override
    public void close() {
        running = false;
    }

    /** The area of a thread by the name the kernel has for it (Java's name, cut to 15 characters). */
    static Area areaOf(String nativeName) {
        if (nativeName.startsWith("PosteriorUpdate") || nativeName.startsWith("count per serie")) {
            return Area.UPDATER;
        }
        if (nativeName.startsWith("C1 CompilerThre") || nativeName.startsWith("C2 CompilerThre")) {
            return Area.COMPILER;
        }
        if (nativeName.startsWith("Source: ") || nativeName.startsWith("Source Data Fet")) {
            return Area.SOURCES;
        }
        if (nativeName.startsWith("first-record cl")) {
            return Area.CLOCK;
        }
        for (String vm : List.of("GC Thread", "G1 ", "VM Thread", "VM Periodic")) {
            if (nativeName.startsWith(vm)) {
                return Area.GC;
            }
        }
        return Area.OTHER_JVM;
    }

    private void sampleUntilClosed() {
        while (running) {
            try {
                Thread.sleep(PERIOD.toMillis());
                synchronized (this) {
                    sample();
                }
            } catch (InterruptedException | IOException e) {
                return; // finish() samples once more itself
            }
        }
    }

    /** Reads every live thread's user + system ticks and name, the machine's ticks and the broker's. */
    private void sample() throws IOException {
        Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                long tid = Long.parseLong(task.getFileName().toString());
                try {
                    long t = threadTicks(Files.readString(task.resolve("stat")));
                    // a new thread has its parent's name until it has set its own: read until it holds
                    if (!named.contains(tid)) {
                        String name = Files.readString(task.resolve("comm")).strip();
                        if (name.equals(names.put(tid, name))) {
                            named.add(tid);
                        }
                        areas.put(tid, areaOf(name));
                    }
                    ticks.put(tid, t);
                } catch (IOException ended) {
                    // the thread ended between listing and reading: its last sample stands
                }
            }
        }
        lastTicks.putAll(ticks);
        snapshots.add(new Snapshot(System.nanoTime(), ticks, machineBusyTicks(), brokerSeconds()));
    }

    /** utime + stime of a {@code /proc/.../stat} line (fields 14 and 15, counted after the name's ')'). */
    static long threadTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Non-idle ticks of all cores: user, nice, system, irq, softirq, steal of the "cpu" line. */
    private static long machineBusyTicks() throws IOException {
        String[] f = Files.readAllLines(MACHINE).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(f[i]);
        }
        return busy;
    }

    /** CPU seconds of this JVM's child processes (the embedded broker) so far. */
    private static double brokerSeconds() {
        return ProcessHandle.current().children()
                .mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
    }
}
