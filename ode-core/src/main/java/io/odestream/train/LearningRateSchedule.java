package io.odestream.train;

/** The learning rate at each iteration (counted from 0). */
@FunctionalInterface
public interface LearningRateSchedule {

    double at(int iteration);

    static LearningRateSchedule constant(double rate) {
        requirePositive(rate);
        return iteration -> rate;
    }

    /** {@code rate · decay^(iteration / every)}, decaying continuously (torch's ExponentialLR when every = 1). */
    static LearningRateSchedule exponential(double rate, double decay, int every) {
        requirePositive(rate);
        if (!(decay > 0 && decay <= 1) || every < 1) {
            throw new IllegalArgumentException("exponential decay needs 0 < decay <= 1 and every >= 1; got " + decay
                    + ", " + every);
        }
        return iteration -> rate * Math.pow(decay, (double) iteration / every);
    }

    private static void requirePositive(double rate) {
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + rate);
        }
    }
}
