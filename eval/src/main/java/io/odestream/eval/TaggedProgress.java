package io.odestream.eval;

import io.odestream.train.Trainer;
import java.io.PrintStream;

/** The progress of one model's training in a results table: tagged lines, and how far it got. */
public final class TaggedProgress {
    private TaggedProgress() {
    }

    /**
     * Prints {@code [tag] line} every {@code every} iterations and keeps the number of iterations
     * done in {@code done[0]} (a failed training reports how far it got).
     */
    public static Trainer.ProgressListener of(PrintStream out, String tag, int every, int[] done) {
        Trainer.ProgressListener print = Trainer.ProgressListener.printing(line -> out.println("[" + tag + "] " + line),
                every);
        return p -> {
            done[0] = p.iteration() + 1;
            print.report(p);
        };
    }
}
