package io.odestream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuSplitTest {

    @Test
    void threadsAreTakenToTheAreaTheirKernelNameSays() {
        // the kernel keeps 15 characters of a Java thread's name
        assertEquals(CpuSplit.Area.UPDATER, CpuSplit.areaOf("PosteriorUpdate"));
        assertEquals(CpuSplit.Area.UPDATER, CpuSplit.areaOf("count per serie"), "the pass-through's keyed operator");
        assertEquals(CpuSplit.Area.CLOCK, CpuSplit.areaOf("first-record cl"));
        assertEquals(CpuSplit.Area.COMPILER, CpuSplit.areaOf("C2 CompilerThre"));
        assertEquals(CpuSplit.Area.COMPILER, CpuSplit.areaOf("C1 CompilerThre"));
        assertEquals(CpuSplit.Area.SOURCES, CpuSplit.areaOf("Source: kafka:t"));
        assertEquals(CpuSplit.Area.SOURCES, CpuSplit.areaOf("Source Data Fet"));
        assertEquals(CpuSplit.Area.GC, CpuSplit.areaOf("GC Thread#1"));
        assertEquals(CpuSplit.Area.GC, CpuSplit.areaOf("G1 Refine#0"));
        assertEquals(CpuSplit.Area.OTHER_JVM, CpuSplit.areaOf("AsyncOperations"));
        assertEquals(CpuSplit.Area.OTHER_JVM, CpuSplit.areaOf("OutputFlusher f"));
    }

    @Test
    void aThreadsTicksAreItsUserAndSystemTimeWhateverItsNameHolds() {
        // fields 14 (utime) and 15 (stime) of proc(5); a name may hold spaces and parentheses
        String stat = "4242 (Source: a (1/2)) S 1 1 1 0 -1 4194368 100 0 0 0 250 17 0 0 20 0 1 0 5 0 0";
        assertEquals(267, CpuSplit.threadTicks(stat));
    }

    @Test
    void aBusyThreadsTimeIsCountedInItsAreaAfterItEnded() throws Exception {
        Optional<CpuSplit> started = CpuSplit.start();
        assumeTrue(started.isPresent(), "needs Linux's /proc");
        long from = System.nanoTime();
        AtomicLong spentNanos = new AtomicLong();
        Thread busy = new Thread(() -> spentNanos.set(spinFor(200_000_000L)), "PosteriorUpdater (1/1)#0");
        busy.start();
        busy.join();
        Thread.sleep(2 * CpuSplit.PERIOD.toMillis()); // the thread is gone: what it had at its last sample counts
        CpuSplit.Result r = started.get().finish(from);
        double updater = r.of(CpuSplit.Area.UPDATER);
        double spent = spentNanos.get() / 1e9;
        // the kernel counts in 10 ms ticks; the thread lived four periods after spinning, so a sample saw all of it
        assertTrue(updater >= spent - 0.02 && updater <= spent + 0.02,
                "the thread used " + spent + " s of CPU by its own clock; the split says " + updater + " s");
        assertTrue(r.benchmarkSeconds() >= updater, "the benchmark's total holds its threads'");
    }

    @Test
    void theRestOfTheJvmIsNamedByItsBusiestThreads() throws Exception {
        Optional<CpuSplit> started = CpuSplit.start();
        assumeTrue(started.isPresent(), "needs Linux's /proc");
        long from = System.nanoTime();
        Thread busy = new Thread(() -> spinFor(100_000_000L), "snapshotter 7");
        busy.start();
        busy.join();
        CpuSplit.Result r = started.get().finish(from);
        assertEquals("snapshotter N", r.largestOtherThreads().get(0).getKey(),
                "the busiest thread outside the named areas, its digits folded: " + r.largestOtherThreads());
    }

    /**
     * Spins until this thread has used {@code cpuNanos} of CPU by its own clock (however loaded the
     * machine is), for at most 15 s of wall time, then idles four sampling periods so that a sample sees
     * what it used; the CPU it used.
     */
    private static long spinFor(long cpuNanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        long wallLimit = System.nanoTime() + 15_000_000_000L;
        double x = 0;
        while (threads.getCurrentThreadCpuTime() - start < cpuNanos && System.nanoTime() < wallLimit) {
            for (int i = 0; i < 10_000; i++) {
                x += Math.sqrt(x + i);
            }
        }
        if (x < 0) {
            throw new AssertionError(x);
        }
        long spent = threads.getCurrentThreadCpuTime() - start;
        try {
            Thread.sleep(4 * CpuSplit.PERIOD.toMillis()); // a loaded machine may run the sampler late
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return spent;
    }
}
