package io.odestream.job.forecast;

import io.odestream.demo.DemoStream;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RecordPublisher;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.Observation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * The demo's observations and forecast requests as live traffic for the fault and restart tests:
 * in event-time order, sent all at once or paced, and closed by an observation that moves event
 * time past the stream's end.
 */
public final class DemoTraffic {
    private DemoTraffic() {
    }

    /**
     * The demo's default stream as the fault tests' traffic: its forecast requests, everything in
     * event-time order, and {@link #firstPart} records sent before the fault strikes (two fifths).
     */
    public record Scenario(DemoStream stream, List<ForecastRequest> requests, List<SpecificRecord> inOrder) {
        public static Scenario demo() {
            DemoStream stream = DemoStream.generate(DemoStream.Config.defaults());
            List<ForecastRequest> requests = io.odestream.demo.DemoSetup.requests(stream);
            return new Scenario(stream, requests, inEventTimeOrder(stream.observations(), requests));
        }

        public int firstPart() {
            return inOrder.size() * 2 / 5;
        }

        /** What is sent before the fault. */
        public List<SpecificRecord> beforeFault() {
            return inOrder.subList(0, firstPart());
        }

        /** What flows while and after the fault strikes. */
        public List<SpecificRecord> afterFault() {
            return inOrder.subList(firstPart(), inOrder.size());
        }
    }

    /** Observations and requests merged in event time (a request at its as-of time, before what follows it). */
    public static List<SpecificRecord> inEventTimeOrder(List<Observation> observations, List<ForecastRequest> requests) {
        record Timed(long time, int rank, SpecificRecord record) {
        }
        List<Timed> all = new ArrayList<>();
        observations.forEach(o -> all.add(new Timed(o.getEventTime().toEpochMilli(), 0, o)));
        requests.forEach(r -> all.add(new Timed(r.getAsOf().toEpochMilli(), 1, r)));
        all.sort(Comparator.comparingLong(Timed::time).thenComparingInt(Timed::rank));
        return all.stream().map(Timed::record).toList();
    }

    /** Sends every record to its topic and waits for the broker's acknowledgements. */
    public static void publish(RecordPublisher publisher, List<SpecificRecord> records) {
        for (SpecificRecord r : records) {
            if (r instanceof Observation o) {
                publisher.send(OdeTopic.OBSERVATIONS, o);
            } else {
                publisher.send(OdeTopic.FORECAST_REQUESTS, (ForecastRequest) r);
            }
        }
        publisher.flush();
    }

    /** About 1 000 records a second (100 every 100 ms), so that the stream still flows when a fault strikes. */
    public static void publishPaced(RecordPublisher publisher, List<SpecificRecord> records) {
        publishPaced(publisher, records, () -> 100);
    }

    /** 100 records, then a pause of {@code pauseMillis} (asked anew each time), and so on. */
    public static void publishPaced(RecordPublisher publisher, List<SpecificRecord> records, LongSupplier pauseMillis) {
        for (int from = 0; from < records.size(); from += 100) {
            publish(publisher, records.subList(from, Math.min(records.size(), from + 100)));
            try {
                Thread.sleep(pauseMillis.getAsLong());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Observations of series of their own, an hour after the stream, one on each of the
     * {@code partitions} partitions of the observations topic: they move every source subtask's event
     * time past the stream's end, so the job applies the stream's last observations (they wait for the
     * out-of-orderness bound) and answers the last requests, without waiting for idleness. A series'
     * first observation is absorbed, never scored: they raise nothing.
     */
    public static List<Observation> endOfStream(DemoStream stream, int partitions) {
        long end = stream.config().startMillis() + stream.config().span().toMillis();
        List<Double> values = new ArrayList<>();
        for (int c = 0; c < stream.config().channels(); c++) {
            values.add(0.0);
        }
        List<Observation> out = new ArrayList<>();
        boolean[] covered = new boolean[partitions];
        for (int i = 0; out.size() < partitions; i++) {
            String id = "end-of-stream-" + i;
            // Kafka's default partitioner for a keyed record: murmur2 of the key (the series id)
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions;
            if (!covered[partition]) {
                covered[partition] = true;
                out.add(Observation.newBuilder().setSeriesId(id).setEventTime(Instant.ofEpochMilli(end + 3_600_000))
                        .setValues(values).build());
            }
        }
        return out;
    }
}
