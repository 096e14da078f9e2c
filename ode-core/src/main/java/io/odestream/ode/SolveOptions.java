package io.odestream.ode;

import io.odestream.ode.event.Event;
import java.util.List;

/**
 * Optional parts of a solve.
 *
 * @param events         events to watch for (empty: none)
 * @param recordDense    keep every step's interpolant so {@link Solution#at} works anywhere in the
 *                       span (memory grows with the number of steps)
 * @param eventTolerance how precisely event times are located (absolute, in t)
 */
public record SolveOptions(List<Event> events, boolean recordDense, double eventTolerance) {

    public static final SolveOptions DEFAULT = new SolveOptions(List.of(), false, 1e-12);

    public SolveOptions {
        events = List.copyOf(events);
        if (!(eventTolerance > 0)) {
            throw new IllegalArgumentException("eventTolerance must be > 0, got " + eventTolerance);
        }
    }

    public SolveOptions withEvents(Event... newEvents) {
        return new SolveOptions(List.of(newEvents), recordDense, eventTolerance);
    }

    public SolveOptions withDenseRecording() {
        return new SolveOptions(events, true, eventTolerance);
    }

    public SolveOptions withEventTolerance(double tolerance) {
        return new SolveOptions(events, recordDense, tolerance);
    }
}
