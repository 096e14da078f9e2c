package io.odestream.job.forecast;

import io.odestream.job.JobRecords;
import io.odestream.job.deploy.ServedVersionSelector;
import io.odestream.job.shadow.ModelAssignment;
import io.odestream.job.shadow.ShadowEvaluator;
import io.odestream.job.shadow.ShadowScore;
import io.odestream.job.shadow.ShadowSettings;
import io.odestream.job.shadow.ShadowVerdict;
import io.odestream.job.shadow.ShadowVerdicts;
import io.odestream.kafka.Decoded;
import io.odestream.kafka.ForecastRequestValidator;
import io.odestream.kafka.KafkaSinks;
import io.odestream.kafka.KafkaSources;
import io.odestream.kafka.ObservationValidator;
import io.odestream.kafka.OdeTopic;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.Forecast;
import io.odestream.schema.ForecastRequest;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.RegistryServing;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The forecasting and alerting job (DESIGN.md, "Data flow"):
 * <pre>
 *  observations ─┐                                   ┌─► forecasts
 *                ├─► union ─► watermarks ─► keyBy ─► PosteriorUpdater ─┼─► alerts
 *  requests ─────┘                          models ─► broadcast ─┘     ├─► late-observations
 *                                                                      └─► risk scores (optional)
 *  undecodable or invalid input of every source ──────────────────────────► dead-letters
 * </pre>
 * With {@link ForecastJobConfig#microBatching()} on, the updater scores and absorbs the observations
 * of many series per call of a batch backend, and prepares forecasts that {@link ForecastBatcher}
 * answers many series at a time on the same backend.
 * "models" is every artifact on the models topic ({@link ForecastJobConfig.ModelSource#TOPIC}) or,
 * by default, the version the registry's serving pointer names ({@link ServedVersionSelector}
 * over the models and model-serving topics), so that publishing does not deploy, promoting does.
 * The broadcast gate in the updater checks every artifact either way. With shadow mode on, the
 * newest unpromoted version also runs beside the served one on a share of the series
 * ({@link #shadow}).
 * Operator uids are fixed so that a savepoint maps back onto a changed job.
 */
public final class ForecastJob {
    /**
     * How often the sources emit a watermark (Flink's default is 200 ms). An observation is applied
     * when the watermark passes it, so it waits the out-of-orderness bound plus up to one interval;
     * at 50 ms the interval's share of an alert's latency is a quarter of the default's.
     */
    public static final Duration WATERMARK_INTERVAL = Duration.ofMillis(50);
    /**
     * How long a partly filled network buffer may wait before it is sent on (Flink's default is
     * 100 ms). The watermark that makes observations due travels to the per-series operator in these
     * buffers, so below full load every watermark waited up to the timeout; a full buffer still goes
     * at once, so throughput is not bounded by it.
     */
    public static final Duration BUFFER_TIMEOUT = Duration.ofMillis(5);

    private ForecastJob() {
    }

    /** The watermark interval and network buffer timeout of the job ({@link #WATERMARK_INTERVAL}, {@link #BUFFER_TIMEOUT}). */
    public static void lowLatency(StreamExecutionEnvironment env) {
        env.getConfig().setAutoWatermarkInterval(WATERMARK_INTERVAL.toMillis());
        env.setBufferTimeout(BUFFER_TIMEOUT.toMillis());
    }

    /** Adds the job to {@code env} (checkpointing included); run it with {@code env.execute}. */
    public static void build(StreamExecutionEnvironment env, ForecastJobConfig config) {
        build(env, config, UnaryOperator.identity());
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, ForecastJobConfig)}, with {@code tap} applied to the
     * timestamped input stream before it is keyed (tests inject failures there; benchmarks count).
     */
    public static void build(StreamExecutionEnvironment env, ForecastJobConfig config,
                             UnaryOperator<DataStream<Either<Observation, ForecastRequest>>> tap) {
        build(env, config, tap, null);
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, ForecastJobConfig, UnaryOperator)}, with the risk
     * output on when {@code risk} is not null: one RiskScore per absorbed observation to its topic.
     */
    public static void build(StreamExecutionEnvironment env, ForecastJobConfig config,
                             UnaryOperator<DataStream<Either<Observation, ForecastRequest>>> tap, RiskOutput risk) {
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        lowLatency(env);
        KafkaSources sources = new KafkaSources(config.kafka());
        Decoded<Observation> observations = sources.read(env, OdeTopic.OBSERVATIONS, config.groupId(),
                Observation.class, ObservationValidator.withMaxFutureSkew(config.maxClockSkew()), config.bounded());
        Decoded<ForecastRequest> requests = sources.read(env, OdeTopic.FORECAST_REQUESTS, config.groupId(),
                ForecastRequest.class, new ForecastRequestValidator(config.updater().forecastSamples()), config.bounded());
        // Models and the serving pointer are state, not streams: read whole on every start (KafkaSources.Start).
        Decoded<ModelArtifact> models = sources.readState(env, OdeTopic.MODELS, config.groupId(), ModelArtifact.class,
                artifact -> Optional.empty(), config.bounded()); // the updater checks artifacts and can say why

        Duration outOfOrderness = config.outOfOrderness(); // the watermark strategy is serialised: no config in it
        Duration idleness = config.idleness();
        // Event time is the observations'; the requests' input only holds it for the idleness period
        // after each (re)start, so that requests waiting on their topic are read before observations
        // pass their as-of times (RequestsStartUpHold).
        DataStream<Observation> timedObservations = observations.records()
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<Observation>forGenerator(context -> new ObservationWatermarks(outOfOrderness, idleness,
                                context.getInputActivityClock()))
                        .withTimestampAssigner((o, previous) -> o.getEventTime().toEpochMilli()))
                .name("event time: observations");
        DataStream<ForecastRequest> timedRequests = requests.records()
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<ForecastRequest>forGenerator(context -> new RequestsStartUpHold(idleness,
                                context.getInputActivityClock()))
                        .withTimestampAssigner((r, previous) -> asOfTime(r)))
                .name("event time: requests held at start-up");
        DataStream<Either<Observation, ForecastRequest>> inputs = timedObservations
                .map(Either::<Observation, ForecastRequest>Left).returns(PosteriorUpdater.INPUT_TYPE).name("observation")
                .union(timedRequests
                        .map(Either::<Observation, ForecastRequest>Right).returns(PosteriorUpdater.INPUT_TYPE)
                        .name("request"));
        DataStream<ModelArtifact> served = models.records();
        DataStream<DeadLetter> deadLetters = observations.deadLetters().union(requests.deadLetters(),
                models.deadLetters());
        DataStream<AnomalyAlert> shadowAlerts = null;
        if (config.modelSource() == ForecastJobConfig.ModelSource.REGISTRY) {
            Decoded<RegistryServing> pointers = sources.readState(env, OdeTopic.MODEL_SERVING, config.groupId(),
                    RegistryServing.class, pointer -> Optional.empty(), config.bounded());
            SingleOutputStreamOperator<ModelArtifact> selected = models.records().keyBy(ModelArtifact::getModelId)
                    .connect(pointers.records().keyBy(RegistryServing::getModelId))
                    .process(new ServedVersionSelector(), new AvroTypeInfo<>(ModelArtifact.class))
                    .uid("served-version-selector")
                    .name("served version (registry pointer)");
            served = selected;
            deadLetters = deadLetters.union(pointers.deadLetters());
            if (config.shadow() != null) {
                shadowAlerts = shadow(observations.records(), selected, config);
            }
        }
        // Every subtask gets every artifact and keeps it in broadcast state (PosteriorUpdater).
        DataStream<ModelArtifact> modelUpdates = served
                .assignTimestampsAndWatermarks(WatermarkStrategy.forGenerator(context -> new NoEventTimeConstraint()))
                .name("models: no event-time constraint")
                .broadcast();

        MicroBatching batching = config.microBatching();
        SingleOutputStreamOperator<Forecast> forecasts = tap.apply(inputs)
                .keyBy(new SeriesKey())
                .connect(modelUpdates)
                .transform(batching == null ? "PosteriorUpdater" : "PosteriorUpdater (micro-batches, " + batching.backend() + ")",
                        new AvroTypeInfo<>(Forecast.class), updater(config, risk))
                .uid("posterior-updater");
        DataStream<Forecast> answered = forecasts;
        if (config.microBatching() != null) {
            answered = forecasts.union(forecasts.getSideOutput(PosteriorUpdater.PENDING_FORECASTS)
                    .connect(served.broadcast())
                    .transform("forecast micro-batches (" + config.microBatching().backend() + ")",
                            new AvroTypeInfo<>(Forecast.class),
                            new ForecastBatcher(config.updater().modelId(), config.microBatching()))
                    .uid("forecast-batcher"));
        }

        KafkaSinks sinks = new KafkaSinks(config.kafka());
        answered.sinkTo(sinks.sink(OdeTopic.FORECASTS, Forecast.class)).uid("sink-forecasts").name("forecasts");
        DataStream<AnomalyAlert> alerts = forecasts.getSideOutput(PosteriorUpdater.ALERTS);
        if (shadowAlerts != null) {
            alerts = alerts.union(shadowAlerts);
        }
        alerts.sinkTo(sinks.sink(OdeTopic.ALERTS, AnomalyAlert.class)).uid("sink-alerts").name("alerts");
        if (risk != null) {
            forecasts.getSideOutput(PosteriorUpdater.RISK_SCORES)
                    .sinkTo(sinks.sink(risk.topic(), new RiskScoreSerializer(risk.topic()))).uid("sink-risk-scores")
                    .name("risk scores");
        }
        forecasts.getSideOutput(PosteriorUpdater.LATE)
                .sinkTo(sinks.sink(OdeTopic.LATE_OBSERVATIONS, Observation.class)).uid("sink-late").name("late");
        String observationsTopic = config.kafka().topicName(OdeTopic.OBSERVATIONS);
        deadLetters = deadLetters.union(forecasts.getSideOutput(PosteriorUpdater.DEAD_LETTERS)
                .map(d -> { // the per-series operator does not know where its records were read
                    d.setSourceTopic(observationsTopic);
                    return d;
                }).returns(new AvroTypeInfo<>(DeadLetter.class)).name("rejected observations"));
        deadLetters.sinkTo(sinks.sink(OdeTopic.DEAD_LETTERS, DeadLetter.class)).uid("sink-dead-letters")
                .name("dead letters");
    }

    private static PosteriorUpdater updater(ForecastJobConfig config, RiskOutput risk) {
        PosteriorUpdater updater = new PosteriorUpdater(config.updater(), config.microBatching(),
                config.outOfOrderness());
        return risk == null ? updater : updater.withRiskHead(risk.head());
    }

    /**
     * Shadow mode: the shadowed share of the series' observations, scored by the served version and
     * the newest unpromoted one ({@link ShadowEvaluator}); one subtask tallies the scores per
     * candidate and decides, promoting a winner through the registry ({@link ShadowVerdicts}).
     * Returns the evaluator's alerts (candidates that fail the gate).
     */
    private static DataStream<AnomalyAlert> shadow(DataStream<Observation> observations,
                                                   SingleOutputStreamOperator<ModelArtifact> selected,
                                                   ForecastJobConfig config) {
        ShadowSettings settings = config.shadow();
        BroadcastStream<ModelAssignment> assignments = selected
                .map(ModelAssignment::serve).returns(ModelAssignment.class).name("served model")
                .union(selected.getSideOutput(ServedVersionSelector.CANDIDATES)
                        .map(ModelAssignment::shadow).returns(ModelAssignment.class).name("candidate model"))
                .broadcast(ShadowEvaluator.MODELS);
        SingleOutputStreamOperator<ShadowScore> scores = observations
                .filter(o -> settings.shadows(o.getSeriesId())).name("shadowed series")
                .keyBy(Observation::getSeriesId)
                .connect(assignments)
                .process(new ShadowEvaluator(settings, config.updater().verifier()), TypeInformation.of(ShadowScore.class))
                .uid("shadow-evaluator")
                .name("shadow evaluator");
        SingleOutputStreamOperator<ShadowVerdict> verdicts = scores.keyBy(new ShadowVerdicts.CandidateVersion())
                .process(new ShadowVerdicts(settings), TypeInformation.of(ShadowVerdict.class))
                .setParallelism(1)
                .uid("shadow-verdicts")
                .name("shadow verdicts");
        verdicts.print("shadow").setParallelism(1).name("shadow verdict log");
        // A candidate that lost on live data is a rejected model: operators see it where they see the others.
        DataStream<AnomalyAlert> losers = verdicts.filter(v -> v.decision == ShadowVerdict.Decision.REJECT)
                .setParallelism(1).name("lost in shadow mode")
                .map(v -> JobRecords.problem(AlertKind.MODEL_REJECTED, "model:" + v.modelId,
                        System.currentTimeMillis(), v.version, "shadow mode: " + v.reason))
                .returns(new AvroTypeInfo<>(AnomalyAlert.class)).setParallelism(1).name("shadow rejection alert");
        return scores.getSideOutput(ShadowEvaluator.ALERTS).union(losers);
    }

    /** Observations at their event time; requests at their as-of time, or none (answered on arrival). */
    static long eventTime(Either<Observation, ForecastRequest> record) {
        if (record.isLeft()) {
            return record.left().getEventTime().toEpochMilli();
        }
        return asOfTime(record.right());
    }

    /** A request's as-of time, or none (answered on arrival). */
    static long asOfTime(ForecastRequest request) {
        return request.getAsOf() == null ? Long.MIN_VALUE : request.getAsOf().toEpochMilli();
    }

    /** The Flink key: the series id of an observation or a request. */
    public static final class SeriesKey implements KeySelector<Either<Observation, ForecastRequest>, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Either<Observation, ForecastRequest> record) {
            return record.isLeft() ? record.left().getSeriesId() : record.right().getSeriesId();
        }
    }

    /**
     * The models stream says nothing about event time, so it declares itself idle: the updater's
     * watermark is then the observations' alone. (A broadcast input without watermarks would hold
     * every event-time timer back forever; one at the end of time would take over whenever the
     * observations go idle and flush every waiting record out of order.) A bounded models source
     * still ends with the end-of-time watermark: bounded runs are replays, where that is harmless.
     * (At a fresh start the updater itself holds event time until the first model arrives:
     * {@link PosteriorUpdater#FIRST_MODEL_WAIT}.)
     */
    private static final class NoEventTimeConstraint implements WatermarkGenerator<ModelArtifact> {
        @Override
        public void onEvent(ModelArtifact event, long eventTimestamp, WatermarkOutput output) {
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}
