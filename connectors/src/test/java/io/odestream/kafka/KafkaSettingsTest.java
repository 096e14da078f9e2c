package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void securitySettingsPassStraightThroughToTheClients() {
        KafkaSettings s = KafkaSettings.fromMap(Map.of(
                "bootstrap.servers", "broker:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "ssl.truststore.location", "/etc/kafka/truststore.jks"));
        Properties p = s.clientProperties();
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        assertEquals("SCRAM-SHA-512", p.getProperty("sasl.mechanism"));
        assertEquals("/etc/kafka/truststore.jks", p.getProperty("ssl.truststore.location"));
        assertEquals("broker:9093", p.getProperty("bootstrap.servers"));
    }

    @Test
    void propertiesFromTheCallerPassThroughToo() {
        Properties given = new Properties();
        given.setProperty("security.protocol", "SSL");
        KafkaSettings s = KafkaSettings.builder("b:1").clientProperties(given).build();
        assertEquals("SSL", s.clientProperties().getProperty("security.protocol"));
    }

    @Test
    void defaultsAreExactlyOnceWithATransactionTimeoutBelowTheBrokersMaximum() {
        KafkaSettings s = KafkaSettings.fromMap(Map.of("bootstrap.servers", "b:1"));
        assertEquals(DeliveryGuarantee.EXACTLY_ONCE, s.deliveryGuarantee());
        assertTrue(s.transactionTimeout().compareTo(KafkaSettings.BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT) < 0);
        assertEquals("observations", s.topicName(OdeTopic.OBSERVATIONS));
    }

    @Test
    void namedSettingsAreRead() {
        KafkaSettings s = KafkaSettings.fromMap(Map.of("bootstrap.servers", "b:1", "topic.prefix", "prod.",
                "delivery.guarantee", "at-least-once", "transaction.timeout.ms", "60000", "transactional.id.prefix", "fc"));
        assertEquals("prod.dead-letters", s.topicName(OdeTopic.DEAD_LETTERS));
        assertEquals(DeliveryGuarantee.AT_LEAST_ONCE, s.deliveryGuarantee());
        assertEquals(Duration.ofMinutes(1), s.transactionTimeout());
        assertEquals("fc", s.transactionalIdPrefix());
    }

    @Test
    void anUnknownKeyIsAnErrorThatNamesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.fromMap(Map.of("bootstrap.servers", "b:1", "topic.prefx", "x")));
        assertTrue(e.getMessage().contains("topic.prefx"), e.getMessage());
    }

    @Test
    void badValuesAreErrorsThatNameThem() {
        assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.fromMap(Map.of("bootstrap.servers", "b:1", "delivery.guarantee", "twice")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.fromMap(Map.of("bootstrap.servers", "b:1", "transaction.timeout.ms", "10m")));
        assertTrue(e.getMessage().contains("transaction.timeout.ms"), e.getMessage());
        assertThrows(NullPointerException.class, () -> KafkaSettings.fromMap(Map.of("topic.prefix", "x")));
    }
}
