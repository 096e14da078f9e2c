package io.odestream.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fine-tuning job's round reports, read off this JVM's stdout: FineTuneJob prints one line per
 * round ({@code rounds.print("fine-tune")}) and offers no other hook, so {@link #install} puts a tee
 * in front of {@code System.out} that still prints everything and notes, for each round line, when
 * it arrived and what the round did. Flink's print sink takes {@code System.out} when its task
 * starts: install before the fine-tuning job runs.
 */
final class FineTuneRoundLog {
    /**
     * The statistics FineTuneTrainer appends to a round that trained (PUBLISH or REJECT after
     * training); a SKIP, or a round that failed before training, has none.
     */
    private static final Pattern TRAINED = Pattern.compile("\\[v(\\d+), (\\d+) iterations( \\(budget spent\\))? in "
            + "([0-9.]+) s, ([0-9.]+) windows/s, (\\d+) training / (\\d+) held-out windows\\]\\s*$");
    private static final Pattern ROUND = Pattern.compile("fine-tune round (\\d+): (PUBLISH|REJECT|SKIP)");

    /**
     * One round report.
     *
     * @param arrivedNanos     System.nanoTime() when its line was printed, at the end of the round
     * @param decision         PUBLISH, REJECT or SKIP
     * @param trained          whether it trained (a SKIP, or a round that failed before training, did not)
     * @param trainingSeconds  its training time (the held-out check after it is not included); 0 if none
     * @param windowsPerSecond training windows per second (iterations × batch size / training time); NaN if none
     */
    record Round(long number, long arrivedNanos, String decision, boolean trained, int iterations,
                 double trainingSeconds, double windowsPerSecond) {
        boolean published() {
            return trained && decision.equals("PUBLISH");
        }

        /**
         * Training time inside [fromNanos, toNanos], taking the training as ending when the line arrived
         * (the line comes after the held-out check, whose length it does not say: an approximation).
         */
        double trainingSecondsWithin(long fromNanos, long toNanos) {
            long end = arrivedNanos;
            long start = end - (long) (trainingSeconds * 1e9);
            return Math.max(0, Math.min(end, toNanos) - Math.max(start, fromNanos)) / 1e9;
        }
    }

    private final List<Round> rounds = new ArrayList<>();

    private FineTuneRoundLog() {
    }

    /** Replaces System.out with a tee that feeds the returned log. */
    static FineTuneRoundLog install() {
        FineTuneRoundLog log = new FineTuneRoundLog();
        System.setOut(new PrintStream(new LineTee(System.out, log), true, StandardCharsets.UTF_8));
        return log;
    }

    /** Every round reported so far, in order. */
    synchronized List<Round> rounds() {
        return List.copyOf(rounds);
    }

    /** Rounds reported so far, trained or not. */
    synchronized int reported() {
        return rounds.size();
    }

    synchronized int trainedCount() {
        return (int) rounds.stream().filter(Round::trained).count();
    }

    /** Waits until {@code count} rounds trained; false if {@code timeoutMillis} passed first. */
    synchronized boolean awaitTrained(int count, long timeoutMillis) throws InterruptedException {
        return await(() -> trainedCount() >= count, timeoutMillis);
    }

    /** Waits until {@code count} rounds reported, trained or not; false if {@code timeoutMillis} passed first. */
    synchronized boolean awaitReported(int count, long timeoutMillis) throws InterruptedException {
        return await(() -> rounds.size() >= count, timeoutMillis);
    }

    private boolean await(BooleanSupplier done, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!done.getAsBoolean()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized void line(String text, long nanos) {
        Matcher round = ROUND.matcher(text);
        if (!round.find()) {
            return;
        }
        long number = Long.parseLong(round.group(1));
        Matcher stats = TRAINED.matcher(text);
        if (stats.find()) {
            rounds.add(new Round(number, nanos, round.group(2), true, Integer.parseInt(stats.group(2)),
                    Double.parseDouble(stats.group(4)), Double.parseDouble(stats.group(5))));
        } else {
            rounds.add(new Round(number, nanos, round.group(2), false, 0, 0, Double.NaN));
        }
        notifyAll();
    }

    /** Passes bytes through and hands each complete line to the log (PrintStream serialises the writers). */
    private static final class LineTee extends OutputStream {
        private final PrintStream out;
        private final FineTuneRoundLog log;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        LineTee(PrintStream out, FineTuneRoundLog log) {
            this.out = out;
            this.log = log;
        }

        @Override
        public void write(int b) {
            out.write(b);
            note(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                note(b[i]);
            }
        }

        private void note(int b) {
            if (b == '\n') {
                log.line(line.toString(StandardCharsets.UTF_8), System.nanoTime());
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
