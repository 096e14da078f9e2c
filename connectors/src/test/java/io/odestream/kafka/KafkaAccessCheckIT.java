package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On a broker without authentication or ACLs (the demo's, a developer's) the check lets everything through. */
class KafkaAccessCheckIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @Test
    void aBrokerWithoutAnAuthorizerAllowsEveryOperationAndAMissingTopicIsNotAnAccessQuestion() throws Exception {
        KafkaSettings settings = KAFKA.topics("open-", "open-tx");
        Map<OdeTopic, Set<AclOperation>> needs = new EnumMap<>(OdeTopic.class);
        for (OdeTopic topic : OdeTopic.values()) {
            needs.put(topic, Set.of(AclOperation.READ, AclOperation.WRITE));
        }
        new KafkaAccessCheck(settings, Duration.ofSeconds(10)).verify(needs);
        KafkaSettings elsewhere = KafkaSettings.builder(KAFKA.bootstrapServers()).topicPrefix("never-created-").build();
        new KafkaAccessCheck(elsewhere, Duration.ofSeconds(10)).verify(needs);
    }

    @Test
    void aBrokerThatIsNotThereFailsWithinTheTimeoutAndSaysWhatToCheck() {
        KafkaSettings nowhere = KafkaSettings.builder("127.0.0.1:1").build();
        KafkaAccessException e = assertThrows(KafkaAccessException.class,
                () -> new KafkaAccessCheck(nowhere, Duration.ofSeconds(2)).verify(Map.of(OdeTopic.OBSERVATIONS, Set.of(AclOperation.READ))));
        assertTrue(e.getMessage().contains("127.0.0.1:1") && e.getMessage().contains("is it running"), e.getMessage());
    }
}
