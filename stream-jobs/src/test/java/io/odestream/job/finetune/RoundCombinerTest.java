package io.odestream.job.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.RegimeChange;
import io.odestream.finetune.TrainingWindow;
import io.odestream.finetune.WindowReservoir;
import io.odestream.kafka.KafkaSettings;
import io.odestream.latent.LatentOdeModel;
import io.odestream.schema.ModelArtifact;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The combiner of data-parallel fine-tuning in Flink's harness: it averages the shards' parameters
 * weighted by their training windows, waits for every shard or decides at the round's timeout with
 * what arrived, ignores shards that trained from an older serving version, skips a round no shard
 * trained in, and deploys the average only when it beats the serving model on held-out windows.
 *
 * <p>The shards' results are trained once (two shards of new-regime windows, {@link RegimeChange})
 * with the shard trainer's own configuration.
 */
class RoundCombinerTest {
    private static final FineTuneSettings SETTINGS = FineTuneSettings.defaults()
            .withRounds(Duration.ofSeconds(1), Duration.ofSeconds(40), 20).withMinimumWindows(64, 16).withTrainers(2);
    private static final long INTERVAL = SETTINGS.roundInterval().toMillis();
    private static final long ROUND = 7;

    private static List<TrainingWindow> windows;
    private static ShardResult[] trained;

    private final List<KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?>> harnesses = new ArrayList<>();

    @BeforeAll
    static void trainTwoShardsOnTheNewRegime() {
        windows = RegimeChange.newRegimeWindows(77, SETTINGS.round(0).training(), SETTINGS.stride());
        trained = new ShardResult[SETTINGS.trainers()];
        for (int shard = 0; shard < trained.length; shard++) {
            WindowReservoir reservoir = new WindowReservoir(SETTINGS.reservoir());
            for (TrainingWindow w : windows) {
                if (ShardTrainer.shardOf(w.seriesId(), SETTINGS.trainers()) == shard) {
                    reservoir.offer(w);
                }
            }
            trained[shard] = new ShardTrainer(SETTINGS, () -> new InMemoryDeployment(DemoModel.bundled()))
                    .runRound(ROUND, shard, reservoir, new InMemoryDeployment(DemoModel.bundled()));
            assertTrue(trained[shard].trained(), trained[shard].toString());
        }
    }

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    @Test
    void theAverageIsTheMeanWeightedByTrainingWindows() {
        ShardResult a = result(0, 1, new double[] {1, 2, 10}, 1);
        ShardResult b = result(1, 1, new double[] {4, 8, -2}, 3);
        // (1·1 + 3·4) / 4, (1·2 + 3·8) / 4, (1·10 − 3·2) / 4
        assertArrayEquals(new double[] {3.25, 6.5, 1.0}, RoundCombiner.weightedMean(List.of(a, b)), 1e-15);
        assertArrayEquals(new double[] {1, 2, 10}, RoundCombiner.weightedMean(List.of(a)), 0.0);
        assertThrows(IllegalArgumentException.class, () -> RoundCombiner.weightedMean(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> RoundCombiner.weightedMean(List.of(a, result(1, 1, new double[] {1, 2}, 3))));
    }

    @Test
    void whenEveryShardReportedTheAverageOfTheNewRegimeShardsIsPublished() throws Exception {
        InMemoryDeployment deployment = new InMemoryDeployment(DemoModel.bundled());
        var h = combiner(SETTINGS, deployment);
        h.processElement2(trained[0], 0);
        assertTrue(h.extractOutputValues().isEmpty(), "waits for the other shard");
        h.processElement2(trained[1], 0);
        List<String> lines = h.extractOutputValues();
        assertEquals(1, lines.size());
        System.out.println(lines.get(0));
        assertTrue(lines.get(0).startsWith("fine-tune round 7: PUBLISH: deployed v2"), lines.get(0));
        assertEquals(1, lines.get(0).split("candidate is better", -1).length - 1, "the reason once: " + lines.get(0));
        assertTrue(lines.get(0).contains("[2 shards: 2 reported, 2 trained, " + (trained[0].trainingWindows
                + trained[1].trainingWindows) + " training windows]"), lines.get(0));
        assertEquals(1, deployment.deployed.size());
        ModelArtifact v2 = deployment.deployed.get(0);
        assertEquals(2, v2.getVersion());
        assertEquals(1L, v2.getParentVersion());
        assertArrayEquals(RoundCombiner.weightedMean(List.of(trained)),
                LatentOdeModel.fromArtifact(v2).parameters().values(), 0.0, "the published model is the average");
        assertEquals(trained[0].trainingWindows + trained[1].trainingWindows,
                v2.getMetrics().get("training_windows"), 0.0, "the metrics count every shard's windows");
    }

    @Test
    void anAverageWorseThanTheServingModelIsRejected() throws Exception {
        InMemoryDeployment deployment = new InMemoryDeployment(DemoModel.bundled());
        var h = combiner(SETTINGS, deployment);
        double[] serving = LatentOdeModel.fromArtifact(DemoModel.bundled()).parameters().values();
        for (int shard = 0; shard < 2; shard++) {
            // A step back from the serving model, against the direction fine-tuning moved it: worse.
            double[] worse = new double[serving.length];
            for (int i = 0; i < worse.length; i++) {
                worse[i] = 2 * serving[i] - trained[shard].parameters[i];
            }
            h.processElement2(result(shard, DemoModel.VERSION, worse, trained[shard].trainingWindows), 0);
        }
        List<String> lines = h.extractOutputValues();
        System.out.println(lines.get(0));
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("fine-tune round 7: REJECT: candidate"), lines.get(0));
        assertTrue(lines.get(0).contains("lower by -") || lines.get(0).contains("fails"),
                "the shaken average is worse than the serving model (or cannot be integrated): " + lines.get(0));
        assertTrue(deployment.deployed.isEmpty());
    }

    @Test
    void atTheTimeoutTheRoundIsDecidedWithTheShardsThatArrivedAndLateOnesAreDropped() throws Exception {
        FineTuneSettings three = SETTINGS.withTrainers(3);
        InMemoryDeployment deployment = new InMemoryDeployment(DemoModel.bundled());
        var h = combiner(three, deployment);
        long tick = ROUND * INTERVAL;
        h.setProcessingTime(tick);
        h.processElement2(trained[0], tick);
        h.processElement2(trained[1], tick);
        h.setProcessingTime(tick + RoundCombiner.waitAfterTick(three) - 1);
        assertTrue(h.extractOutputValues().isEmpty(), "2 of 3 shards: waits until the timeout");
        h.setProcessingTime(tick + RoundCombiner.waitAfterTick(three));
        List<String> lines = h.extractOutputValues();
        assertEquals(1, lines.size());
        System.out.println(lines.get(0));
        assertTrue(lines.get(0).startsWith("fine-tune round 7: PUBLISH"), lines.get(0));
        assertTrue(lines.get(0).contains("[3 shards: 2 reported, 2 trained"), lines.get(0));
        h.processElement2(result(2, DemoModel.VERSION, trained[0].parameters, 10), tick + INTERVAL);
        assertEquals(1, h.extractOutputValues().size(), "the late shard of a decided round is dropped");
        assertEquals(1, deployment.deployed.size());
    }

    @Test
    void shardsThatTrainedFromAnOlderServingVersionAreLeftOutOfTheAverage() throws Exception {
        InMemoryDeployment deployment = new InMemoryDeployment(DemoModel.bundled());
        var h = combiner(SETTINGS, deployment);
        double[] garbage = new double[trained[1].parameters.length];
        java.util.Arrays.fill(garbage, 1e3);
        h.processElement2(trained[0], 0);
        h.processElement2(result(1, DemoModel.VERSION - 1, garbage, 1000), 0);
        String line = h.extractOutputValues().get(0);
        System.out.println(line);
        assertTrue(line.contains("1 trained") && line.contains("shard 1: trained from v0, not the newest v1"), line);
        assertTrue(line.startsWith("fine-tune round 7: PUBLISH"), line);
        assertArrayEquals(trained[0].parameters,
                LatentOdeModel.fromArtifact(deployment.deployed.get(0)).parameters().values(), 0.0,
                "only the shard that trained from the serving version counts");
    }

    @Test
    void aRoundWithoutATrainedShardIsSkippedWithTheShardsReasons() throws Exception {
        InMemoryDeployment deployment = new InMemoryDeployment(DemoModel.bundled());
        var h = combiner(SETTINGS, deployment);
        h.processElement2(ShardResult.skipped(ROUND, 1, 1, 3, "3 training windows; a shard needs at least 32"), 0);
        h.processElement2(ShardResult.skipped(ROUND, 0, -1, 40, "no model is served yet"), 0);
        assertEquals(List.of("fine-tune round 7: SKIP: no shard trained (shard 0: no model is served yet; shard 1: "
                        + "3 training windows; a shard needs at least 32) [2 shards: 2 reported, 0 trained, 0 training "
                        + "windows]"), h.extractOutputValues());
        assertTrue(deployment.deployed.isEmpty());
    }

    @Test
    void theResultTravelsAsAFlinkPojo() {
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(ShardResult.class));
    }

    @Test
    void withSeveralTrainersTheJobShardsTrainingAndCombinesInOneSubtask() {
        assertThrows(IllegalArgumentException.class, () -> SETTINGS.withTrainers(0));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        FineTuneJob.build(env, new FineTuneJob.Config(KafkaSettings.builder("localhost:9").build(), "fine-tune-test",
                SETTINGS.withTrainers(3), () -> new InMemoryDeployment(null), Duration.ofSeconds(10)));
        var nodes = env.getStreamGraph().getStreamNodes();
        var shards = nodes.stream().filter(n -> n.getOperatorName().equals("fine-tune shard trainer")).findFirst()
                .orElseThrow();
        var combiner = nodes.stream().filter(n -> n.getOperatorName().equals("fine-tune round combiner"))
                .findFirst().orElseThrow();
        assertEquals(3, shards.getParallelism());
        assertEquals(128, shards.getMaxParallelism(), "the key groups the routing keys were chosen for");
        assertEquals(1, combiner.getParallelism());
        assertTrue(nodes.stream().noneMatch(n -> n.getOperatorName().equals("fine-tune trainer")));
    }

    private KeyedTwoInputStreamOperatorTestHarness<Integer, TrainingWindow, ShardResult, String> combiner(
            FineTuneSettings settings, InMemoryDeployment deployment) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new RoundCombiner(settings, () -> deployment)),
                (TrainingWindow w) -> 0, (ShardResult r) -> 0, Types.INT);
        harnesses.add(h);
        h.open();
        for (TrainingWindow w : windows) {
            h.processElement1(w, 0); // the combiner checks on the held-out part of them
        }
        return h;
    }

    private static ShardResult result(int shard, long servingVersion, double[] parameters, int windows) {
        ShardResult r = new ShardResult();
        r.roundId = ROUND;
        r.shard = shard;
        r.servingVersion = servingVersion;
        r.parameters = parameters;
        r.trainingWindows = windows;
        r.iterations = 1;
        r.trainLoss = 0;
        r.dataFromMillis = 0;
        r.dataToMillis = 1;
        r.seriesIds = new String[] {"s" + shard};
        return r;
    }
}
