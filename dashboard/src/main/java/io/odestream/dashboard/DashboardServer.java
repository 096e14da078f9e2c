package io.odestream.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's HTTP side on Javalin (Jetty 12): the page and its script from this jar, uPlot from
 * its WebJar, the series as JSON ({@code /api/series}, {@code /api/series/{id}}) and a server-sent
 * event stream ({@code /api/updates}): a {@code snapshot} when a page connects, then an
 * {@code update} with what changed every {@link #PUSH_MILLIS} ms.
 */
public final class DashboardServer implements AutoCloseable {
    /** How often connected pages get what changed. */
    public static final long PUSH_MILLIS = 500;
    static final String WEB_ROOT = "/io/odestream/dashboard/web";

    private final DashboardModel model;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService pusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dashboard-push");
        t.setDaemon(true);
        return t;
    });
    private final Javalin app;

    private DashboardServer(DashboardModel model, String host, int port) {
        this.model = model;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.staticFiles.enableWebjars();
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = WEB_ROOT;
                files.location = Location.CLASSPATH;
            });
            config.routes.get("/api/series", ctx -> send(ctx, model.snapshot()));
            config.routes.get("/api/series/{id}", ctx -> {
                var detail = model.detail(ctx.pathParam("id"));
                if (detail.isPresent()) {
                    send(ctx, detail.get());
                } else {
                    ctx.status(404).result("no series '" + ctx.pathParam("id") + "' on the dashboard (yet, or dropped: "
                            + "it keeps the " + model.strip().maxSeries() + " most recently updated)");
                }
            });
            config.routes.sse("/api/updates", client -> {
                client.keepAlive();
                client.onClose(() -> clients.remove(client));
                client.sendEvent("snapshot", write(model.snapshot()));
                clients.add(client);
            });
        });
        app.start(host, port);
        pusher.scheduleWithFixedDelay(this::push, PUSH_MILLIS, PUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Starts serving {@code model} on {@code host:port} (port 0: a free one, see {@link #url()}). */
    public static DashboardServer start(DashboardModel model, String host, int port) {
        return new DashboardServer(model, host, port);
    }

    public int port() {
        return app.port();
    }

    /** The page's address, for a browser on this machine. */
    public String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    private void push() {
        try {
            String update = write(model.changes());
            for (SseClient client : clients) {
                if (client.terminated()) {
                    clients.remove(client);
                } else {
                    client.sendEvent("update", update);
                }
            }
        } catch (RuntimeException e) {
            model.problem("pushing to the page failed: " + e); // the next push tries again
        }
    }

    private void send(Context ctx, Object view) {
        ctx.contentType("application/json").result(write(view));
    }

    private String write(Object view) {
        try {
            return json.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + view.getClass().getSimpleName() + " as JSON", e);
        }
    }

    @Override
    public void close() {
        pusher.shutdownNow();
        clients.forEach(SseClient::close);
        app.stop();
    }
}
