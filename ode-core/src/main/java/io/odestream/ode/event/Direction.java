package io.odestream.ode.event;

/** Which sign changes of {@code g} count as events, seen in the direction of integration. */
public enum Direction {
    /** g goes from negative to positive. */
    RISING,
    /** g goes from positive to negative. */
    FALLING,
    /** either way. */
    EITHER;

    /** Whether g going from {@code before} to {@code after} (in the direction of integration) is an event. */
    public boolean accepts(double before, double after) {
        return switch (this) {
            case RISING -> before < 0 && after >= 0;
            case FALLING -> before > 0 && after <= 0;
            case EITHER -> (before < 0 && after >= 0) || (before > 0 && after <= 0);
        };
    }
}
