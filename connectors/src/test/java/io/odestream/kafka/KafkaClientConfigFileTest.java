package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientConfigFileTest {

    @Test
    void securityKeysPassThroughToTheClients(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, """
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="job" password="s3cret";
                ssl.truststore.location=/etc/odestream/truststore.p12
                """);
        KafkaSettings settings = KafkaSettings.builder("b:9093").clientProperties(KafkaClientConfigFile.load(file)).build();
        assertEquals("SASL_SSL", settings.clientProperties().getProperty("security.protocol"));
        assertTrue(settings.clientProperties().getProperty("sasl.jaas.config").contains("username=\"job\""));
    }

    @Test
    void anyOtherKeyIsRefusedByNameWithoutEchoingAValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "sasl.mechanism=SCRAM-SHA-512\nsasl_jaas_config=password=\"s3cret\"\n");
        KafkaAccessException e = assertThrows(KafkaAccessException.class, () -> KafkaClientConfigFile.load(file));
        assertTrue(e.getMessage().contains("sasl_jaas_config"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void aMissingFileIsAUserErrorNamingIt(@TempDir Path dir) {
        Path file = dir.resolve("absent.properties");
        KafkaAccessException e = assertThrows(KafkaAccessException.class, () -> KafkaClientConfigFile.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
