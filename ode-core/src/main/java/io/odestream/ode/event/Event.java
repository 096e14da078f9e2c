package io.odestream.ode.event;

/**
 * An event to watch for during a solve.
 *
 * @param function  g(t, z); an event is a sign change of g within a step
 * @param direction which sign changes count
 * @param terminal  whether the row stops at the event (in shared step control, the whole batch
 *                  stops at the earliest terminal event of any row, as torchdiffeq does)
 */
public record Event(EventFunction function, Direction direction, boolean terminal) {
    public Event {
        if (function == null || direction == null) {
            throw new IllegalArgumentException("an event needs a function and a direction");
        }
    }

    public static Event terminal(EventFunction function, Direction direction) {
        return new Event(function, direction, true);
    }

    public static Event recording(EventFunction function, Direction direction) {
        return new Event(function, direction, false);
    }
}
