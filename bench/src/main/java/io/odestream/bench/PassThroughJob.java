package io.odestream.bench;

import io.odestream.job.forecast.ForecastJob;
import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.KafkaSinks;
import io.odestream.kafka.KafkaSources;
import io.odestream.kafka.ObservationValidator;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.RawKafkaRecord;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The baseline of the pipeline benchmark: what the forecasting job costs without its model. The
 * same observations topic read the same way (KafkaSource, bounded at the latest offsets, Avro decode
 * and validation with dead letters, event-time watermarks with the same bound and idleness), the same
 * {@code keyBy(seriesId)}, a keyed function with per-series state that does nothing but count, and
 * an exactly-once Kafka sink of Avro {@link AnomalyAlert}s committed at the same checkpoints.
 * Not included (they are part of the job's price, not of Flink's): the forecast-request and model
 * sources, the broadcast connection, and the updater's event-time ordering buffer.
 */
final class PassThroughJob {
    /** Accumulator: observations the counting function saw (must equal the topic's). */
    static final String EVENTS = "pass-through-events";

    private PassThroughJob() {
    }

    /**
     * Adds the job to {@code env}: reads {@code input}'s observations topic with consumer group
     * {@code groupId} and writes every {@code emitEvery}-th event of each series to the alerts topic of
     * {@code output}.
     */
    static void build(StreamExecutionEnvironment env, KafkaSettings input, String groupId, KafkaSettings output,
                      Duration checkpointInterval, Duration outOfOrderness, Duration idleness, int emitEvery) {
        env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
        ForecastJob.lowLatency(env); // the model job's watermark interval and buffer timeout
        String name = "kafka:" + input.topicName(OdeTopic.OBSERVATIONS);
        DataStream<RawKafkaRecord> raw = env.fromSource(new KafkaSources(input).builder(OdeTopic.OBSERVATIONS, groupId)
                .setBounded(OffsetsInitializer.latest()).build(), WatermarkStrategy.noWatermarks(), name).uid(name);
        DataStream<Observation> observations = KafkaSources.decode(raw, Observation.class,
                ObservationValidator.withDefaults()).records();
        observations
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Observation>forBoundedOutOfOrderness(outOfOrderness)
                        .withTimestampAssigner((o, previous) -> o.getEventTime().toEpochMilli())
                        .withIdleness(idleness))
                .name("event time")
                .map(new FirstRecordClock<Observation>()).returns(new AvroTypeInfo<>(Observation.class))
                .name("first-record clock")
                .keyBy(new SeriesId())
                .process(new CountPerSeries(emitEvery), new AvroTypeInfo<>(AnomalyAlert.class))
                .uid("count-per-series").name("count per series")
                .sinkTo(new KafkaSinks(output).sink(OdeTopic.ALERTS, AnomalyAlert.class)).uid("sink").name("counts");
    }

    static final class SeriesId implements KeySelector<Observation, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Observation o) {
            return o.getSeriesId();
        }
    }

    /**
     * Counts each series' observations in keyed state (a boxed Long: the baseline's state access
     * is Flink's ordinary one) and emits a small record every {@code emitEvery}-th.
     */
    static final class CountPerSeries extends KeyedProcessFunction<String, Observation, AnomalyAlert> {
        private static final long serialVersionUID = 1L;
        private final int emitEvery;
        private transient ValueState<Long> count;
        private transient LongCounter events;

        CountPerSeries(int emitEvery) {
            this.emitEvery = emitEvery;
        }

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            events = new LongCounter();
            getRuntimeContext().addAccumulator(EVENTS, events);
        }

        @Override
        public void processElement(Observation o, Context ctx, Collector<AnomalyAlert> out) throws Exception {
            Long previous = count.value();
            long n = previous == null ? 1 : previous + 1;
            count.update(n);
            events.add(1L);
            if (n % emitEvery == 0) {
                out.collect(AnomalyAlert.newBuilder().setSeriesId(o.getSeriesId()).setEventTime(o.getEventTime())
                        .setKind(AlertKind.UNKNOWN).setScore(n).setThreshold(Double.NaN).setObserved(o.getValues())
                        .setExpected(List.of()).setModelVersion(-1).setMessage("pass-through count").build());
            }
        }
    }
}
