package io.odestream.dashboard;

import io.odestream.kafka.KafkaSettings;

/**
 * The live dashboard as one thing to start and stop: a {@link DashboardModel} fed from the Kafka
 * topics by a {@link DashboardFeed} and served by a {@link DashboardServer}. Used by
 * {@code odestream dashboard} and {@code odestream demo}.
 */
public final class Dashboard implements AutoCloseable {
    private final DashboardModel model;
    private final DashboardFeed feed;
    private final DashboardServer server;

    private Dashboard(DashboardModel model, DashboardFeed feed, DashboardServer server) {
        this.model = model;
        this.feed = feed;
        this.server = server;
    }

    /**
     * Serves on {@code host:port} (port 0: any free port) and follows the topics of {@code kafka}.
     * The server starts first, so a port in use fails before any consumer starts.
     */
    public static Dashboard start(KafkaSettings kafka, String host, int port) {
        DashboardModel model = new DashboardModel();
        DashboardServer server = DashboardServer.start(model, host, port);
        try {
            return new Dashboard(model, new DashboardFeed(kafka, model), server);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    public String url() {
        return server.url();
    }

    public DashboardModel model() {
        return model;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            server.close();
        } finally {
            feed.close();
        }
    }
}
