package io.odestream.job.deploy;

import io.odestream.job.forecast.ForecastJobConfig;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.RegistryServing;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Follows the model registry's serving pointer (the forecasting job's
 * {@link ForecastJobConfig.ModelSource#REGISTRY} mode): per model id (the key), only the version the
 * pointer names reaches the serving operator, and nothing before a pointer exists, so a version
 * that is published but not promoted is never served.
 *
 * <p>A published version newer than the served one is a candidate: it goes to the
 * {@link #CANDIDATES} side output (shadow evaluation). Artifacts are held (the newest
 * {@link #HELD_VERSIONS}) because the pointer and the artifact travel on two topics: whichever of
 * the two arrives second completes the swap. Promote and rollback republish the chosen artifact,
 * so an older version that was dropped from the held ones comes back with its pointer.
 */
public final class ServedVersionSelector
        extends KeyedCoProcessFunction<String, ModelArtifact, RegistryServing, ModelArtifact> {
    private static final long serialVersionUID = 1L;

    /** Versions newer than the served one, published but not promoted. */
    public static final OutputTag<ModelArtifact> CANDIDATES =
            new OutputTag<>("model-candidates", new AvroTypeInfo<>(ModelArtifact.class));

    static final int HELD_VERSIONS = 8;

    private transient ValueState<Long> pointer;
    private transient MapState<Long, ModelArtifact> held;

    @Override
    public void open(OpenContext context) {
        pointer = getRuntimeContext().getState(new ValueStateDescriptor<>("serving-pointer", Types.LONG));
        held = getRuntimeContext().getMapState(new MapStateDescriptor<>("held-artifacts", Types.LONG,
                new AvroTypeInfo<>(ModelArtifact.class)));
    }

    @Override
    public void processElement1(ModelArtifact artifact, Context ctx, Collector<ModelArtifact> out) throws Exception {
        Long served = pointer.value();
        held.put(artifact.getVersion(), artifact);
        dropOldest(served);
        if (served == null) {
            return; // nothing is promoted yet: wait for the pointer
        }
        if (artifact.getVersion() == served) {
            out.collect(artifact);
        } else if (artifact.getVersion() > served) {
            ctx.output(CANDIDATES, artifact);
        }
    }

    @Override
    public void processElement2(RegistryServing serving, Context ctx, Collector<ModelArtifact> out) throws Exception {
        long version = serving.getServingVersion();
        pointer.update(version);
        ModelArtifact artifact = held.get(version);
        if (artifact != null) {
            out.collect(artifact);
        } // else the artifact is on its way: the registry republishes it with the pointer
        ModelArtifact newest = null;
        for (ModelArtifact a : held.values()) {
            if (a.getVersion() > version && (newest == null || a.getVersion() > newest.getVersion())) {
                newest = a;
            }
        }
        if (newest != null) {
            ctx.output(CANDIDATES, newest); // published before this pointer arrived (e.g. at start-up)
        }
    }

    /** Keeps the newest versions and the served one. */
    private void dropOldest(Long served) throws Exception {
        int count = 0;
        long oldest = Long.MAX_VALUE;
        for (Long v : held.keys()) {
            count++;
            if ((served == null || v != served.longValue()) && v < oldest) {
                oldest = v;
            }
        }
        if (count > HELD_VERSIONS && oldest != Long.MAX_VALUE) {
            held.remove(oldest);
        }
    }
}
