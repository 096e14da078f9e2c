package io.odestream.ode.event;

/**
 * An event that happened: which event (its index in the solve's event list), in which row, at
 * what time, and the row's state then (from the dense output).
 */
public record EventOccurrence(int eventIndex, int row, double time, double[] state) {
}
