package io.odestream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Asks Kafka, before a job or a command starts, whether it accepts this client's credentials
 * and lets its principal do what it needs on each topic. A wrong password, an untrusted
 * certificate or a missing ACL then fails in seconds with what to change, instead of a job
 * whose sources and sinks fail and restart for ever. Messages name the user (from
 * {@code sasl.jaas.config}), never the password.
 */
public final class KafkaAccessCheck {

    private final KafkaSettings settings;
    private final Duration timeout;

    public KafkaAccessCheck(KafkaSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    /**
     * @param needs per topic, the operations the caller will perform ({@code READ},
     *     {@code WRITE}); {@code DESCRIBE} is implied by either
     * @throws KafkaAccessException naming every refused permission, or the refused login
     */
    public void verify(Map<OdeTopic, Set<AclOperation>> needs) {
        Properties props = settings.clientProperties();
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        try (Admin admin = Admin.create(props)) {
            await(admin.describeCluster().clusterId(), "connect");
            Map<String, OdeTopic> byName = new LinkedHashMap<>();
            needs.keySet().forEach(t -> byName.put(settings.topicName(t), t));
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(byName.keySet(),
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
            List<String> refused = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> e : described.entrySet()) {
                Set<AclOperation> need = needs.get(byName.get(e.getKey()));
                Set<AclOperation> allowed;
                try {
                    allowed = await(e.getValue(), "describe topic " + e.getKey()).authorizedOperations();
                } catch (TopicNotAuthorized denied) {
                    need.forEach(op -> refused.add(op + " topic '" + e.getKey() + "'"));
                    continue;
                } catch (TopicMissing missing) {
                    continue; // not a question of rights: topic setup reports it where it matters
                }
                if (allowed == null) {
                    continue; // a broker without an authorizer: everything is allowed
                }
                need.stream().filter(op -> !allowed.contains(op) && !allowed.contains(AclOperation.ALL))
                        .forEach(op -> refused.add(op + " topic '" + e.getKey() + "'"));
            }
            if (!refused.isEmpty()) {
                String principal = "User:" + user();
                throw new KafkaAccessException("Kafka at " + settings.bootstrapServers() + " does not allow " + principal
                        + " to " + String.join(", ", refused) + "; an administrator grants each with kafka-acls"
                        + " --bootstrap-server <admin listener> --add --allow-principal " + principal
                        + " --operation <OPERATION> --topic <topic>");
            }
        }
    }

    /** Thrown inside {@link #await} only, so a per-topic refusal can be told from a refused login. */
    private static final class TopicNotAuthorized extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** Thrown inside {@link #await} only: the topic does not exist (the principal may describe it). */
    private static final class TopicMissing extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while asking Kafka at " + settings.bootstrapServers() + " to " + what, e);
        } catch (TimeoutException e) {
            throw noAnswer(what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw noAnswer(what, cause);
            }
            if (cause instanceof TopicAuthorizationException) {
                throw new TopicNotAuthorized();
            }
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new TopicMissing();
            }
            if (cause instanceof SslAuthenticationException) {
                throw new KafkaAccessException("the TLS handshake with Kafka at " + settings.bootstrapServers()
                        + " failed: " + cause.getMessage() + "; check ssl.truststore.* in the Kafka client configuration"
                        + " (it must trust the broker's certificate)", cause);
            }
            if (cause instanceof AuthenticationException) {
                throw new KafkaAccessException("Kafka at " + settings.bootstrapServers() + " refused the credentials of user '"
                        + user() + "' (" + settings.clientProperties().getProperty("sasl.mechanism", "no SASL mechanism set")
                        + "): " + cause.getMessage() + "; check the user name and password in sasl.jaas.config of the Kafka"
                        + " client configuration", cause);
            }
            throw new KafkaAccessException("cannot " + what + " at Kafka " + settings.bootstrapServers() + ": " + cause, cause);
        }
    }

    private KafkaAccessException noAnswer(String what, Throwable cause) {
        return new KafkaAccessException("Kafka at " + settings.bootstrapServers() + " did not answer within "
                + timeout.toSeconds() + " s (" + what + "): is it running, is the address right, and does"
                + " security.protocol match its listener?", cause);
    }

    private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

    /** The user name in sasl.jaas.config, or ANONYMOUS without one. Never the password. */
    private String user() {
        String jaas = settings.clientProperties().getProperty("sasl.jaas.config");
        if (jaas == null) {
            return "ANONYMOUS";
        }
        Matcher m = USERNAME.matcher(jaas);
        return m.find() ? m.group(1) : "(no username in sasl.jaas.config)";
    }
}
