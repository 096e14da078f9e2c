package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class RecordPublisherTest {

    @Test
    void aRecordTheBrokerNeverTookIsAnErrorNotASilentLoss() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens here once the socket is closed
        }
        KafkaSettings nowhere = KafkaSettings.builder("127.0.0.1:" + closedPort)
                .clientProperty("max.block.ms", "300").clientProperty("request.timeout.ms", "300")
                .clientProperty("delivery.timeout.ms", "600").build();
        RecordPublisher publisher = new RecordPublisher(nowhere);
        publisher.send(OdeTopic.OBSERVATIONS, ExampleRecords.example(OdeTopic.OBSERVATIONS, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, publisher::close);
        assertTrue(e.getMessage().contains("could not be written"), e.getMessage());
    }
}
