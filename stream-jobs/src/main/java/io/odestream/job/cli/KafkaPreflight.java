package io.odestream.job.cli;

import io.odestream.UserFacingException;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * What a command checks before it relies on Kafka: that a broker answers at all, and that the topics
 * it reads and writes exist. Kafka clients retry a dead broker or a missing topic for a minute or
 * forever, with a stack trace per attempt; a command says it in one line within seconds instead,
 * with what to do ({@link Failure}, a {@link UserFacingException}).
 */
public final class KafkaPreflight {
    /**
     * How long a command waits for a broker's answer before it says there is none: a reachable broker
     * answers a topic listing in milliseconds.
     */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(3);

    private KafkaPreflight() {
    }

    /** Why a command cannot start: no broker, or topics that are missing. */
    public static final class Failure extends UserFacingException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    /** The topics that exist on the cluster; a {@link Failure} when no broker answers within {@code wait}. */
    public static Set<String> topics(KafkaSettings kafka, Duration wait) {
        Properties props = kafka.clientProperties();
        int millis = (int) Math.min(Integer.MAX_VALUE, wait.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        Admin admin = Admin.create(props);
        try {
            return admin.listTopics().names().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw noBroker(kafka, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while asking the broker at " + kafka.bootstrapServers() + " for its topics");
        } finally {
            admin.close(Duration.ZERO); // nothing left to wait for: the answer came, or it is too late
        }
    }

    /**
     * Checks that a broker answers and that every one of {@code needed} exists; a {@link Failure} naming
     * the missing topics and the command that creates them otherwise.
     */
    public static void requireTopics(KafkaSettings kafka, Collection<OdeTopic> needed, Duration wait) {
        Set<String> existing = topics(kafka, wait);
        List<String> missing = needed.stream().map(kafka::topicName).filter(t -> !existing.contains(t)).toList();
        if (!missing.isEmpty()) {
            throw new Failure("topics " + missing + " do not exist at " + kafka.bootstrapServers()
                    + "; create them with `odestream topics create --bootstrap-servers " + kafka.bootstrapServers()
                    + (kafka.topicPrefix().isEmpty() ? "" : " --topic-prefix " + kafka.topicPrefix()) + "`, then start again");
        }
    }

    private static Failure noBroker(KafkaSettings kafka, Duration wait) {
        return new Failure("no Kafka broker answered at " + kafka.bootstrapServers() + " within " + wait.toSeconds()
                + " s; start one (odestream broker) or point --bootstrap-servers (or $ODESTREAM_BOOTSTRAP_SERVERS) at one");
    }
}
