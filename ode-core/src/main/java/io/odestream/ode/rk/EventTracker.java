package io.odestream.ode.rk;

import io.odestream.ode.event.Event;
import io.odestream.ode.event.EventOccurrence;
import io.odestream.ode.event.RootBracket;
import java.util.ArrayList;
import java.util.List;

/**
 * The events of one solve: every running row's last value of each g, and the sign changes within
 * an accepted step, located on the step's interpolant (not by extra solver steps).
 */
final class EventTracker {

    /** The current step's interpolant of engine row {@code p}. */
    interface StepInterpolant {
        void at(int p, double time, double[] out, int offset);
    }

    private List<Event> events = List.of();
    private double tolerance;
    private double[] previous = new double[0];
    private double[] probe = new double[0];
    private final List<EventOccurrence> found = new ArrayList<>();

    void begin(List<Event> watched, double eventTolerance, int rows, int d) {
        this.events = watched;
        this.tolerance = eventTolerance;
        if (previous.length < rows * watched.size()) {
            previous = new double[rows * watched.size()];
        }
        if (probe.length < d) {
            probe = new double[d];
        }
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    /** g of every event at a row's start. */
    void initialise(int p, int row, double t, double[] z, int offset, int d) {
        int e = events.size();
        for (int i = 0; i < e; i++) {
            previous[p * e + i] = events.get(i).function().value(row, t, z, offset, d);
        }
    }

    void startStep() {
        found.clear();
    }

    /** This step's occurrences, all rows, in the order found. */
    List<EventOccurrence> found() {
        return found;
    }

    /**
     * Checks engine row p's accepted step from {@code t0} to {@code t1} (end state at
     * {@code yEnd[offset ..]}): records every crossing and returns the time of the earliest
     * terminal one, or NaN.
     */
    double check(int p, int row, double t0, double t1, double[] yEnd, int offset, int d, StepInterpolant interpolant) {
        int e = events.size();
        double direction = t1 - t0;
        double stop = Double.NaN;
        for (int i = 0; i < e; i++) {
            Event event = events.get(i);
            double before = previous[p * e + i];
            double after = event.function().value(row, t1, yEnd, offset, d);
            previous[p * e + i] = after;
            if (!event.direction().accepts(before, after)) {
                continue;
            }
            double root = RootBracket.locate(time -> {
                interpolant.at(p, time, probe, 0);
                return event.function().value(row, time, probe, 0, d);
            }, t0, before, t1, after, tolerance);
            double[] state = new double[d];
            interpolant.at(p, root, state, 0);
            found.add(new EventOccurrence(i, row, root, state));
            if (event.terminal() && (Double.isNaN(stop) || (root - stop) * direction < 0)) {
                stop = root;
            }
        }
        return stop;
    }

    /** Engine row {@code from} now lives at {@code to}. */
    void move(int from, int to) {
        int e = events.size();
        if (e > 0) {
            System.arraycopy(previous, from * e, previous, to * e, e);
        }
    }

    void end() {
        events = List.of();
        found.clear();
    }
}
