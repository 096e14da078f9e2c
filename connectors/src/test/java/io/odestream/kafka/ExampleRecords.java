package io.odestream.kafka;

import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.DeadLetterReason;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingAction;
import io.odestream.schema.RegistryServingChange;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;

/** Realistic, fully populated records of every topic type, for tests. */
final class ExampleRecords {
    private ExampleRecords() {}

    static final long T0 = 1_700_000_000_000L;

    static Observation observation(String seriesId, long eventTime, Double... values) {
        return Observation.newBuilder().setSeriesId(seriesId).setEventTime(Instant.ofEpochMilli(eventTime))
                .setValues(Arrays.asList(values)).build();
    }

    /** {@code n} examples of the record type of {@code topic}, all different. */
    static List<SpecificRecordBase> of(OdeTopic topic, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> example(topic, i)).toList();
    }

    static SpecificRecordBase example(OdeTopic topic, int i) {
        String series = "series-" + (i % 5);
        Instant t = Instant.ofEpochMilli(T0 + i * 1000L);
        return switch (topic) {
            case OBSERVATIONS, LATE_OBSERVATIONS -> Observation.newBuilder().setSeriesId(series).setEventTime(t)
                    .setValues(Arrays.asList(i * 0.5, null, Double.NaN)).setChannels(List.of("a", "b", "c"))
                    .setTags(Map.of("i", Integer.toString(i))).build();
            case FORECAST_REQUESTS -> ForecastRequest.newBuilder().setRequestId("r" + i).setSeriesId(series)
                    .setQueryTimes(List.of(t, t.plusSeconds(60))).setSamples(16).build();
            case FORECASTS -> Forecast.newBuilder().setRequestId("r" + i).setSeriesId(series).setModelVersion(2)
                    .setIssuedAt(t).setSamples(16).setPoints(List.of(ForecastPoint.newBuilder().setTime(t.plusSeconds(60))
                            .setMean(List.of(1.0 + i, 2.0)).setStddev(List.of(0.1, 0.2)).setQ05(List.of(0.8, 1.6))
                            .setQ50(List.of(1.0 + i, 2.0)).setQ95(List.of(1.2 + i, 2.4)).build()))
                    .build();
            case ALERTS -> AnomalyAlert.newBuilder().setSeriesId(series).setEventTime(t)
                    .setKind(i % 2 == 0 ? AlertKind.ANOMALY : AlertKind.MODEL_ERROR).setScore(10.0 + i).setThreshold(9.0)
                    .setObserved(Arrays.asList(5.0, null)).setExpected(List.of(1.0, 2.0)).setModelVersion(2)
                    .setMessage(i % 2 == 0 ? null : "step size underflow").build();
            case MODELS -> ModelArtifact.newBuilder().setModelId("m").setVersion(i + 1).setCreatedAt(t)
                    .setParentVersion(i == 0 ? null : (long) i).setModelType("latent-ode").setSpecJson("{\"latentDim\":4}")
                    .setParameters(List.of(0.25 * i, -1.0, 3.0e-7)).setMetrics(Map.of("val_elbo", -1.5 - i))
                    .setLineage(Map.of("steps", "100")).setChecksum("0".repeat(64))
                    .setSignature(ByteBuffer.wrap(new byte[] {(byte) i, 2})).setSigningKeyId("key-1").build();
            case MODEL_SERVING -> RegistryServing.newBuilder().setModelId("m" + i).setServingVersion(i + 1)
                    .setHistory(List.of(RegistryServingChange.newBuilder().setVersion(i + 1)
                            .setAction(RegistryServingAction.PROMOTED).setFromVersion(null).setReason("test " + i)
                            .setChangedAt(t).build())).build();
            case DEAD_LETTERS -> DeadLetter.newBuilder().setSourceTopic("observations").setPartition(0).setOffset(i)
                    .setTimestamp(t).setReason(DeadLetterReason.UNDECODABLE).setDetail("bad bytes " + i)
                    .setKey(ByteBuffer.wrap(new byte[] {1, (byte) i})).setValue(ByteBuffer.wrap(new byte[] {9, 9, (byte) i}))
                    .setExpectedType("io.odestream.schema.Observation").setDeadLetteredAt(t).build();
        };
    }
}
