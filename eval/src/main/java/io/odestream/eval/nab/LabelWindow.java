package io.odestream.eval.nab;

import java.time.LocalDateTime;

/** One labelled anomaly window of {@code combined_windows.json}; both ends are rows of the file, inclusive. */
public record LabelWindow(LocalDateTime start, LocalDateTime end) {
    public LabelWindow {
        if (start.isAfter(end)) {
            throw new IllegalArgumentException("window starts at " + start + " after its end " + end);
        }
    }
}
