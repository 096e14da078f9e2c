package io.odestream.djl;

import java.util.Locale;

/**
 * The batch size from which djl beats java in a benchmark's sweep of increasing sizes: the first
 * size of the last run of wins (a loss after a win starts the search again), printed with the
 * largest size djl still lost at.
 */
final class Crossover {
    private final String size;
    private int from = -1;
    private int lastLoss = -1;

    /** @param size what the sizes count, as printed ("K", "B") */
    Crossover(String size) {
        this.size = size;
    }

    /** The ratio java time / djl time measured at {@code n}; sizes come in increasing order. */
    void measured(int n, double javaOverDjl) {
        if (javaOverDjl > 1 && from < 0) {
            from = n;
        } else if (javaOverDjl <= 1) {
            lastLoss = n;
            from = -1;
        }
    }

    void print() {
        if (from > 0) {
            System.out.printf(Locale.ROOT, "crossover: djl is faster from %s = %d on (slower at %s = %s)%n", size, from,
                    size, lastLoss < 0 ? "none measured" : String.valueOf(lastLoss));
        } else {
            System.out.printf(Locale.ROOT, "crossover: djl was not faster at the largest %s measured%n", size);
        }
    }
}
