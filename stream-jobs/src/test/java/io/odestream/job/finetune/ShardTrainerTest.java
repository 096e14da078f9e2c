package io.odestream.job.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.finetune.RegimeChange;
import io.odestream.finetune.TrainingWindow;
import io.odestream.finetune.WindowReservoir;
import io.odestream.latent.LatentOdeModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A data-parallel trainer shard in Flink's harness: at the next wall-clock tick of the round
 * interval it trains the serving model on its series' training windows only (never a held-out
 * one) and emits the parameters with the round id tick / interval; a shard with too few windows or
 * no serving model emits a skipped result saying why.
 */
class ShardTrainerTest {
    private static final int SHARDS = 2;
    private static final FineTuneSettings SETTINGS = FineTuneSettings.defaults()
            .withRounds(Duration.ofSeconds(1), Duration.ofSeconds(40), 5).withMinimumWindows(64, 16)
            .withTrainers(SHARDS);

    private final List<KeyedOneInputStreamOperatorTestHarness<?, ?, ?>> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    @Test
    void atTheNextTickEachShardTrainsOnItsOwnTrainingWindows() throws Exception {
        List<TrainingWindow> windows = RegimeChange.newRegimeWindows(77, SETTINGS.round(0).training(),
                SETTINGS.stride());
        var h = shardTrainer(new InMemoryDeployment(DemoModel.bundled()));
        h.setProcessingTime(1500);
        for (TrainingWindow w : windows) {
            h.processElement(w, 0);
        }
        h.setProcessingTime(1999);
        assertTrue(h.extractOutputValues().isEmpty(), "no round before the tick at 2000");
        h.setProcessingTime(2000);
        List<ShardResult> results = new ArrayList<>(h.extractOutputValues());
        results.sort(Comparator.comparingInt(r -> r.shard));
        assertEquals(SHARDS, results.size());
        int modelSize = LatentOdeModel.fromArtifact(DemoModel.bundled()).parameters().size();
        for (int shard = 0; shard < SHARDS; shard++) {
            ShardResult r = results.get(shard);
            System.out.println(r);
            assertEquals(shard, r.shard);
            assertEquals(2, r.roundId, "round id = tick / interval");
            assertEquals(DemoModel.VERSION, r.servingVersion);
            assertEquals(modelSize, r.parameters.length);
            assertEquals(5, r.iterations);
            // The windows of the shard's series that the held-out hash does not claim, at most perSeriesCap a series.
            TreeMap<String, Integer> perSeries = new TreeMap<>();
            for (TrainingWindow w : windows) {
                if (ShardTrainer.shardOf(w.seriesId(), SHARDS) == shard && !WindowReservoir.isHeldOut(w.seriesId(),
                        w.startMillis(), SETTINGS.heldOutFraction(), SETTINGS.seed())) {
                    perSeries.merge(w.seriesId(), 1, Integer::sum);
                }
            }
            int expected = perSeries.values().stream().mapToInt(n -> Math.min(n, SETTINGS.perSeriesCap())).sum();
            Set<String> series = perSeries.keySet();
            assertEquals(expected, r.trainingWindows);
            assertArrayEquals(series.toArray(String[]::new), r.seriesIds);
            assertTrue(Double.isFinite(r.trainLoss), r.toString());
        }
        assertFalse(Arrays.equals(results.get(0).parameters, results.get(1).parameters));

        // The shards' reservoirs were cleared: the next tick finds too few windows.
        h.setProcessingTime(3000);
        List<ShardResult> next = h.extractOutputValues().subList(SHARDS, 2 * SHARDS);
        for (ShardResult r : next) {
            assertEquals(3, r.roundId);
            assertNull(r.parameters);
            assertEquals("0 training windows; a shard needs at least 32", r.note);
        }
    }

    @Test
    void withoutAServingModelAShardReportsASkip() throws Exception {
        var h = shardTrainer(new InMemoryDeployment(null));
        h.setProcessingTime(0);
        TrainingWindow w = RegimeChange.oldRegimeWindows(5, SETTINGS.round(0).training(), 16).get(0);
        h.processElement(w, 0);
        h.setProcessingTime(1000);
        List<ShardResult> out = h.extractOutputValues();
        assertEquals(1, out.size());
        assertEquals(ShardTrainer.shardOf(w.seriesId(), SHARDS), out.get(0).shard);
        assertEquals(1, out.get(0).roundId);
        assertFalse(out.get(0).trained());
        assertEquals("no model is served yet", out.get(0).note);
    }

    @Test
    void shardsAreStableAndSpreadSeriesEvenly() {
        int[] counts = new int[4];
        for (int i = 0; i < 4000; i++) {
            int shard = ShardTrainer.shardOf("sensor-" + i, 4);
            assertEquals(shard, ShardTrainer.shardOf("sensor-" + i, 4));
            counts[shard]++;
        }
        for (int c : counts) {
            assertTrue(c > 900 && c < 1100, Arrays.toString(counts));
        }
        assertThrows(IllegalArgumentException.class, () -> ShardTrainer.shardOf("s", 0));
        assertEquals(2000, ShardTrainer.nextTick(1000, 1000), "a tick strictly after now");
        assertEquals(2000, ShardTrainer.nextTick(1999, 1000));
    }

    @Test
    void routingKeysPutEveryShardOnItsOwnSubtask() {
        for (int shards = 1; shards <= 16; shards++) {
            int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(shards);
            int[] keys = ShardTrainer.routingKeys(shards, maxParallelism);
            Set<Integer> distinct = new HashSet<>();
            for (int i = 0; i < shards; i++) {
                assertEquals(i, KeyGroupRangeAssignment.assignKeyToParallelOperator(keys[i], maxParallelism, shards));
                distinct.add(keys[i]);
            }
            assertEquals(shards, distinct.size());
        }
        // Keying by the shard number itself would share subtasks (the reason for routing keys).
        int collisions = 0;
        for (int shards = 2; shards <= 16; shards++) {
            Set<Integer> subtasks = new HashSet<>();
            for (int i = 0; i < shards; i++) {
                subtasks.add(KeyGroupRangeAssignment.assignKeyToParallelOperator(i, 128, shards));
            }
            collisions += subtasks.size() < shards ? 1 : 0;
        }
        assertTrue(collisions > 0);
        assertThrows(IllegalArgumentException.class, () -> ShardTrainer.routingKeys(4, 2));
    }

    private KeyedOneInputStreamOperatorTestHarness<Integer, TrainingWindow, ShardResult> shardTrainer(
            InMemoryDeployment deployment) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ShardTrainer(SETTINGS, () -> deployment)),
                (TrainingWindow w) -> ShardTrainer.shardOf(w.seriesId(), SHARDS), Types.INT);
        harnesses.add(h);
        h.open();
        return h;
    }
}
