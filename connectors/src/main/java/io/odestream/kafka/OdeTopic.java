package io.odestream.kafka;

import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.RegistryServing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;

/**
 * The topics of odestream: one Avro record type per topic, a default name, and what the Kafka
 * key of a record is. The topic name is {@code prefix + defaultName} (see connectors/README.md).
 */
public enum OdeTopic {
    OBSERVATIONS("observations", Observation.class),
    LATE_OBSERVATIONS("late-observations", Observation.class),
    FORECAST_REQUESTS("forecast-requests", ForecastRequest.class),
    FORECASTS("forecasts", Forecast.class),
    ALERTS("alerts", AnomalyAlert.class),
    /** Compacted; key = modelId + '/' + version, so every version stays readable. */
    MODELS("models", ModelArtifact.class),
    /**
     * Compacted; key = modelId. The model registry's serving pointer: which version is promoted
     * (written by {@code io.odestream.registry.ModelRegistry}, followed by the forecasting job).
     */
    MODEL_SERVING("model-serving", RegistryServing.class),
    /** Key = the key of the record that was dead-lettered. */
    DEAD_LETTERS("dead-letters", DeadLetter.class);

    private final String defaultName;
    private final Class<? extends SpecificRecord> recordType;

    OdeTopic(String defaultName, Class<? extends SpecificRecord> recordType) {
        this.defaultName = defaultName;
        this.recordType = recordType;
    }

    public String defaultName() {
        return defaultName;
    }

    /** {@code prefix + defaultName()}; an empty prefix gives the default name. */
    public String name(String prefix) {
        return prefix + defaultName;
    }

    public Class<? extends SpecificRecord> recordType() {
        return recordType;
    }

    /** Full name of the Avro schema this topic carries, e.g. {@code io.odestream.schema.Observation}. */
    public String schemaFullName() {
        return recordType.getName();
    }

    /** The Kafka key of {@code record} on this topic (null = no key). */
    public byte[] keyOf(SpecificRecord record) {
        if (record instanceof Observation o) {
            return utf8(o.getSeriesId());
        } else if (record instanceof ForecastRequest r) {
            return utf8(r.getSeriesId());
        } else if (record instanceof Forecast f) {
            return utf8(f.getSeriesId());
        } else if (record instanceof AnomalyAlert a) {
            return utf8(a.getSeriesId());
        } else if (record instanceof ModelArtifact m) {
            return utf8(modelKey(m.getModelId(), m.getVersion()));
        } else if (record instanceof RegistryServing s) {
            return utf8(s.getModelId());
        } else if (record instanceof DeadLetter d) {
            return d.getKey() == null ? null : bytes(d.getKey());
        }
        throw new IllegalArgumentException("topic " + this + " carries " + schemaFullName() + ", not "
                + record.getSchema().getFullName());
    }

    /** Key of a model version on the compacted models topic. */
    public static String modelKey(String modelId, long version) {
        return modelId + "/" + version;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
