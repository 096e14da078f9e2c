package io.odestream.cli;

import io.odestream.dashboard.Dashboard;
import io.odestream.kafka.KafkaSettings;

/** Starts the dashboard for a command, turning a port that cannot be bound into one line that says what to do. */
final class DashboardLauncher {
    private DashboardLauncher() {
    }

    static Dashboard start(KafkaSettings kafka, String host, int port) {
        try {
            return Dashboard.start(kafka, host, port);
        } catch (RuntimeException e) {
            throw new CommandFailedException("cannot serve the dashboard on " + host + ":" + port + " (" + rootMessage(e)
                    + "); choose another port (0: any free one)", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
