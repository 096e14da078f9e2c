package io.odestream.dashboard;

import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastPoint;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingAction;
import io.odestream.schema.RegistryServingChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The records the dashboard reads, built small for its tests. */
final class Records {
    static final List<String> CHANNELS = List.of("temperature", "pressure");

    private Records() {
    }

    static Observation observation(String series, long time, Double... values) {
        return Observation.newBuilder().setSeriesId(series).setEventTime(Instant.ofEpochMilli(time))
                .setValues(Arrays.asList(values)).setChannels(CHANNELS.subList(0, values.length)).build();
    }

    /** A forecast from {@code stateTime} at the given times: mean 1 per channel, σ 2, q05 −2, q95 4. */
    static Forecast forecast(String series, long stateTime, long... times) {
        List<ForecastPoint> points = new ArrayList<>();
        for (long t : times) {
            points.add(ForecastPoint.newBuilder().setTime(Instant.ofEpochMilli(t)).setMean(List.of(1.0, 1.0))
                    .setStddev(List.of(2.0, 2.0)).setQ05(List.of(-2.0, -2.0)).setQ50(List.of(1.0, 1.0))
                    .setQ95(List.of(4.0, 4.0)).build());
        }
        return Forecast.newBuilder().setRequestId(series + "@" + stateTime).setSeriesId(series).setModelVersion(1)
                .setIssuedAt(Instant.ofEpochMilli(stateTime)).setStateTime(Instant.ofEpochMilli(stateTime))
                .setPoints(points).setChannels(CHANNELS).build();
    }

    static AnomalyAlert alert(String series, long time, double score) {
        return AnomalyAlert.newBuilder().setSeriesId(series).setEventTime(Instant.ofEpochMilli(time))
                .setKind(AlertKind.ANOMALY).setScore(score).setThreshold(10).setObserved(Arrays.asList(9.0, null))
                .setExpected(List.of(0.0, 0.0)).setExpectedStddev(List.of(1.0, 1.0))
                .setChannelZScores(List.of(9.0, Double.NaN)).setModelVersion(1).setChannels(CHANNELS).build();
    }

    static ModelArtifact artifact(String modelId, long version, Map<String, Double> metrics) {
        return ModelArtifact.newBuilder().setModelId(modelId).setVersion(version)
                .setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L + version)).setModelType("latent-ode")
                .setSpecJson("{}").setParameters(List.of()).setMetrics(metrics).setChecksum("00").build();
    }

    static RegistryServing serving(String modelId, long version, long changedAt) {
        return RegistryServing.newBuilder().setModelId(modelId).setServingVersion(version)
                .setHistory(List.of(RegistryServingChange.newBuilder().setVersion(version)
                        .setAction(RegistryServingAction.PROMOTED).setReason("test")
                        .setChangedAt(Instant.ofEpochMilli(changedAt)).build()))
                .build();
    }
}
