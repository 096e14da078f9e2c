package io.odestream.kafka.broker;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of the broker child JVM started by {@link EmbeddedKafkaBroker}: formats the
 * KRaft log directory, then runs {@code kafka.Kafka} until told to stop.
 *
 * <p>Formatting in the same JVM as the server saves a second JVM start (~2 s). The child exits
 * when its standard input reaches end-of-file, which happens when the parent closes it or when
 * the parent dies in any way (even {@code kill -9}, where no shutdown hook of the parent runs):
 * no broker outlives the JVM that started it.
 *
 * <p>Arguments: {@code <cluster-id> <server.properties>}.
 */
public final class BrokerProcessMain {
    private BrokerProcessMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: BrokerProcessMain <cluster-id> <server.properties>");
            System.exit(2);
        }
        String clusterId = args[0];
        String serverProperties = args[1];
        exitWhenParentGoesAway(System.in);

        int formatted = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", serverProperties, "--standalone"},
                System.out);
        if (formatted != 0) {
            System.err.println("odestream: formatting the KRaft log directory failed (exit " + formatted
                    + "); see the messages above");
            System.exit(3);
        }
        kafka.Kafka.main(new String[] {serverProperties});
    }

    private static void exitWhenParentGoesAway(InputStream parentPipe) {
        Thread watcher = new Thread(() -> {
            try {
                while (parentPipe.read() >= 0) {
                    // the parent never writes; anything it does write is ignored
                }
            } catch (IOException ignored) {
                // a broken pipe means the same as end-of-file: the parent is gone
            }
            // System.exit runs Kafka's own shutdown hook: a clean, controlled shutdown.
            System.exit(0);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }
}
