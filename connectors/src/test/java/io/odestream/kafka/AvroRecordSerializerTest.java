package io.odestream.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.odestream.schema.AnomalyAlert;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class AvroRecordSerializerTest {

    @Test
    void anOutputIsKeyedByItsSeriesAndStampedWhenWrittenNotWithItsEventTime() throws Exception {
        AnomalyAlert alert = (AnomalyAlert) ExampleRecords.example(OdeTopic.ALERTS, 0);
        AvroRecordSerializer<AnomalyAlert> serializer =
                new AvroRecordSerializer<>(OdeTopic.ALERTS, "odestream.alerts", AnomalyAlert.class);
        long eventTime = alert.getEventTime().toEpochMilli();
        ProducerRecord<byte[], byte[]> record = serializer.serialize(alert, null, eventTime);
        assertEquals("odestream.alerts", record.topic());
        assertArrayEquals(OdeTopic.ALERTS.keyOf(alert), record.key());
        assertEquals(alert, new AvroSerde<>(AnomalyAlert.class).deserialize(record.value()));
        // an event time of a replayed day as the Kafka timestamp would let retention delete the output
        assertNull(record.timestamp(), "the producer stamps the write time");
    }
}
