package io.odestream.job.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoStream;
import io.odestream.finetune.RegimeChange;
import io.odestream.finetune.TrainingWindow;
import io.odestream.finetune.WindowCutter;
import io.odestream.kafka.KafkaSettings;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fine-tuning job's operators in Flink's harness: the cutter turns a series' observations
 * into the windows cutting the whole series gives; the trainer runs a round when its
 * processing-time timer fires, deploys a candidate that passed, and skips while it has no serving
 * model or too few windows.
 */
class FineTuneTrainerTest {
    private final List<AbstractStreamOperatorTestHarness<?>> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private static final FineTuneSettings SETTINGS = FineTuneSettings.defaults()
            .withRounds(Duration.ofSeconds(1), Duration.ofSeconds(40), 40).withMinimumWindows(64, 16);

    @Test
    void theCutterCutsEachSeriesAsCuttingTheWholeSeriesDoes() throws Exception {
        DemoStream stream = DemoStream.generate(DemoStream.Config.defaults().withSeries(2).withAnomaliesPerSeries(0)
                .withWarmup(Duration.ofSeconds(30)).withSpan(Duration.ofMinutes(2)));
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new WindowCutterFunction(SETTINGS)), Observation::getSeriesId, Types.STRING);
        harnesses.add(h);
        h.open();
        for (Observation o : stream.observations()) {
            h.processElement(o, o.getEventTime().toEpochMilli());
        }
        List<TrainingWindow> out = h.extractOutputValues();
        LatentOdeTraining.Config config = SETTINGS.round(0).training();
        int expected = 0;
        for (int s = 0; s < 2; s++) {
            String id = stream.seriesIds().get(s);
            List<TrainingWindow> whole = TrainingWindow.cutAll(id, stream.trainingSeries().get(s), config,
                    SETTINGS.stride());
            List<TrainingWindow> streamed = out.stream().filter(w -> w.seriesId().equals(id)).toList();
            assertEquals(whole.size(), streamed.size());
            for (int i = 0; i < whole.size(); i++) {
                assertEquals(whole.get(i).startMillis(), streamed.get(i).startMillis());
                assertEquals(whole.get(i).value(3, 1), streamed.get(i).value(3, 1));
            }
            expected += whole.size();
        }
        assertEquals(expected, out.size());
    }

    @Test
    void aRoundOnTheNewRegimeDeploysACandidateWhenTheTimerFires() throws Exception {
        InMemoryDeployment deployment = new InMemoryDeployment(DemoModel.bundled());
        var h = trainer(deployment);
        h.setProcessingTime(0);
        for (TrainingWindow w : RegimeChange.newRegimeWindows(77, SETTINGS.round(0).training(), SETTINGS.stride())) {
            h.processElement(w, 0);
        }
        assertTrue(h.extractOutputValues().isEmpty(), "no round before the timer");
        h.setProcessingTime(SETTINGS.roundInterval().toMillis());
        List<String> lines = h.extractOutputValues();
        assertEquals(1, lines.size());
        System.out.println(lines.get(0));
        assertTrue(lines.get(0).startsWith("fine-tune round 0: PUBLISH: deployed v2"), lines.get(0));
        assertEquals(1, deployment.deployed.size());
        ModelArtifact v2 = deployment.deployed.get(0);
        assertEquals(2, v2.getVersion());
        assertEquals(1L, v2.getParentVersion());
        assertEquals(v2, deployment.serving().orElseThrow());

        // The reservoir was cleared: the next round has too few windows and skips.
        h.setProcessingTime(2 * SETTINGS.roundInterval().toMillis());
        assertTrue(h.extractOutputValues().get(1).contains("SKIP"), h.extractOutputValues().get(1));
    }

    @Test
    void withRoundsEveryNWindowsARoundRunsAsSoonAsNNewWindowsArrivedWithoutWaitingForTheTimer() throws Exception {
        InMemoryDeployment deployment = new InMemoryDeployment(DemoModel.bundled());
        FineTuneSettings every200 = SETTINGS.withRounds(Duration.ofHours(1), Duration.ofSeconds(40), 40)
                .withRoundEveryWindows(200);
        var h = trainer(every200, deployment);
        h.setProcessingTime(0);
        List<TrainingWindow> windows = RegimeChange.newRegimeWindows(77, SETTINGS.round(0).training(),
                SETTINGS.stride());
        assertTrue(windows.size() > 200 && windows.size() < 400, "one round's worth: " + windows.size());
        for (int i = 0; i < windows.size(); i++) {
            h.processElement(windows.get(i), 0);
            assertEquals(i + 1 >= 200 ? 1 : 0, h.extractOutputValues().size(), "after window " + (i + 1));
        }
        assertTrue(h.extractOutputValues().get(0).startsWith("fine-tune round 0: PUBLISH: deployed v2"),
                h.extractOutputValues().get(0));
        assertEquals(1, h.numProcessingTimeTimers(), "the timed round moved to an interval after this one");
    }

    @Test
    void roundsEveryNWindowsNeedASingleTrainer() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SETTINGS.withTrainers(2).withRoundEveryWindows(100));
        assertTrue(e.getMessage().contains("single trainer"), e.getMessage());
    }

    @Test
    void withoutAServingModelARoundIsSkipped() throws Exception {
        InMemoryDeployment deployment = new InMemoryDeployment(null);
        var h = trainer(deployment);
        h.setProcessingTime(0);
        for (TrainingWindow w : RegimeChange.newRegimeWindows(77, SETTINGS.round(0).training(), SETTINGS.stride())) {
            h.processElement(w, 0); // enough windows: the registry is asked
        }
        h.setProcessingTime(SETTINGS.roundInterval().toMillis());
        assertEquals(List.of("fine-tune round 0: SKIP: no model is served yet; promote one first"),
                h.extractOutputValues());
        assertTrue(deployment.deployed.isEmpty());
    }

    @Test
    void withTooFewWindowsARoundSkipsWithoutAskingTheRegistry() throws Exception {
        InMemoryDeployment deployment = new InMemoryDeployment(DemoModel.bundled());
        var h = trainer(deployment);
        h.setProcessingTime(0);
        h.processElement(RegimeChange.oldRegimeWindows(5, SETTINGS.round(0).training(), 6).get(0), 0);
        h.setProcessingTime(SETTINGS.roundInterval().toMillis());
        String line = h.extractOutputValues().get(0);
        assertTrue(line.startsWith("fine-tune round 0: SKIP: ") && line.contains("needs at least"), line);
        assertTrue(line.contains("% of the windows are held out: about " + SETTINGS.windowsForARound()
                + " windows in all"), "the skip says how many windows a round waits for: " + line);
        assertEquals(0, deployment.servingReads, "the registry was not read");
    }

    @Test
    void byDefaultARoundWaitsForEightyWindowsOfWhichAFifthIsHeldOut() {
        FineTuneSettings d = FineTuneSettings.defaults();
        assertEquals(64, d.minTrainingWindows());
        assertEquals(16, d.minHeldOutWindows());
        assertEquals(0.2, d.heldOutFraction());
        assertEquals(80, d.windowsForARound(), "64 training windows are 80 % of 80, 16 held-out ones 20 %");
        assertEquals(100, d.withMinimumWindows(64, 20).windowsForARound(), "20 held out need 100 windows");
    }

    @Test
    void windowsAndCuttersSurviveFlinksSerialisation() throws Exception {
        // They travel between subtasks and live in keyed state as generic (Kryo) types: check the round trip.
        TrainingWindow w = RegimeChange.oldRegimeWindows(3, SETTINGS.round(0).training(), 6).get(5);
        TrainingWindow back = roundTrip(WindowCutterFunction.WINDOW_TYPE, w);
        assertEquals(w.seriesId(), back.seriesId());
        assertEquals(w.split(), back.split());
        for (int k = 0; k < w.length(); k++) {
            assertEquals(w.timeMillis(k), back.timeMillis(k));
            for (int c = 0; c < w.channels(); c++) {
                assertEquals(w.value(k, c), back.value(k, c));
            }
        }
        WindowCutter cutter = new WindowCutter("s", 1, 3, 2, 1);
        cutter.offer(1, new double[] {1});
        cutter.offer(2, new double[] {2});
        WindowCutter restored = roundTrip(TypeInformation.of(WindowCutter.class), cutter);
        TrainingWindow next = restored.offer(3, new double[] {3});
        assertEquals(List.of(1L, 2L, 3L), List.of(next.timeMillis(0), next.timeMillis(1), next.timeMillis(2)),
                "the restored cutter carries on where the original was");
    }

    private static <T> T roundTrip(TypeInformation<T> type, T value) throws Exception {
        TypeSerializer<T> serializer = type.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void theJobGraphHasTheCutterAndOneTrainerSubtask() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        FineTuneJob.build(env, new FineTuneJob.Config(KafkaSettings.builder("localhost:9").build(), "fine-tune-test",
                SETTINGS, () -> new InMemoryDeployment(null), Duration.ofSeconds(10)));
        var nodes = env.getStreamGraph().getStreamNodes();
        var trainer = nodes.stream().filter(n -> n.getOperatorName().equals("fine-tune trainer")).findFirst()
                .orElseThrow();
        var cutter = nodes.stream().filter(n -> n.getOperatorName().equals("window cutter")).findFirst()
                .orElseThrow();
        assertEquals(1, trainer.getParallelism(), "one trainer subtask holds the reservoir");
        assertEquals(4, cutter.getParallelism(), "the cutter scales with the keys");
    }

    private KeyedOneInputStreamOperatorTestHarness<Integer, TrainingWindow, String> trainer(
            InMemoryDeployment deployment) throws Exception {
        return trainer(SETTINGS, deployment);
    }

    private KeyedOneInputStreamOperatorTestHarness<Integer, TrainingWindow, String> trainer(
            FineTuneSettings settings, InMemoryDeployment deployment) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FineTuneTrainer(settings, () -> deployment)),
                (TrainingWindow w) -> 0, Types.INT);
        harnesses.add(h);
        h.open();
        return h;
    }
}
