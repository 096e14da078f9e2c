package io.odestream.job.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoStream;
import io.odestream.job.SampleSeed;
import io.odestream.job.TestModels;
import io.odestream.latent.BatchUpdater;
import io.odestream.latent.FilterBatchUpdater;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.ObservationUpdate;
import io.odestream.latent.Score;
import io.odestream.schema.AlertKind;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ShadowEvaluator in Flink's operator harness, with the real demo model on data of its own regime:
 * scores are the plain filter's, equal parameters score equally, worse parameters score worse, bad
 * candidates are refused, and both states restart together.
 */
class ShadowEvaluatorTest {
    private static final int SAMPLES = 8;
    private static final ModelArtifact BUNDLED = DemoModel.bundled();
    private static final String MODEL = BUNDLED.getModelId();
    private static final ModelArtifact V1 = version(BUNDLED, 1);
    /** The served model's parameters again, as a new version. */
    private static final ModelArtifact V2_SAME = version(BUNDLED, 2);
    /** Two demo series of 2 minutes (~120 events each), no anomalies: the served model's regime. */
    private static final DemoStream DATA = DemoStream.generate(DemoStream.Config.defaults().withSeries(2)
            .withWarmup(Duration.ZERO).withSpan(Duration.ofMinutes(2)).withAnomaliesPerSeries(0).withSeed(5));
    private static final String SERIES = DATA.seriesIds().get(0);

    private final List<KeyedBroadcastOperatorTestHarness<String, Observation, ModelAssignment, ShadowScore>> harnesses =
            new ArrayList<>();
    private ShadowEvaluator evaluator;

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private static ModelArtifact version(ModelArtifact a, long version) {
        return TestModels.sign(ModelArtifact.newBuilder(a).setVersion(version).setSignature(null)
                .setSigningKeyId(null).build());
    }

    /** The bundled model with its readout weights scaled: wrong outputs from the same latent dynamics. */
    private static ModelArtifact corrupted(long version, double scale) {
        return TestModels.sign(TestModels.withScaledReadout(BUNDLED, version, scale));
    }

    private KeyedBroadcastOperatorTestHarness<String, Observation, ModelAssignment, ShadowScore> harness(
            double fraction, OperatorSubtaskState restoreFrom) throws Exception {
        evaluator = new ShadowEvaluator(new ShadowSettings(fraction, 100, 0.05, SAMPLES, null), TestModels.VERIFIER);
        var h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(evaluator, List.of(ShadowEvaluator.MODELS)),
                (KeySelector<Observation, String>) Observation::getSeriesId, Types.STRING, 1, 1, 0);
        harnesses.add(h);
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private KeyedBroadcastOperatorTestHarness<String, Observation, ModelAssignment, ShadowScore> harness(
            ModelArtifact served, ModelArtifact candidate) throws Exception {
        var h = harness(1.0, null);
        h.processBroadcastElement(ModelAssignment.serve(served), 0);
        h.processBroadcastElement(ModelAssignment.shadow(candidate), 0);
        return h;
    }

    private static void observe(KeyedBroadcastOperatorTestHarness<String, Observation, ModelAssignment, ShadowScore> h,
                                List<Observation> in) throws Exception {
        for (Observation o : in) {
            h.processElement(o, o.getEventTime().toEpochMilli());
        }
    }

    private static List<Observation> series(String id) {
        return DATA.observations().stream().filter(o -> o.getSeriesId().equals(id)).toList();
    }

    private static List<AnomalyAlert> alerts(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
        var side = h.getSideOutput(ShadowEvaluator.ALERTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    /** What a plain LatentFilter run gives: [time, NLL, abs error] per scored observation, the first absorbed. */
    private static List<double[]> reference(ModelArtifact artifact, List<Observation> in) {
        LatentFilter f = LatentFilter.init(artifact);
        List<double[]> out = new ArrayList<>();
        FilterState state = null;
        for (Observation o : in) {
            long t = o.getEventTime().toEpochMilli();
            double[] x = new double[o.getValues().size()];
            boolean[] m = new boolean[x.length];
            for (int j = 0; j < x.length; j++) {
                Double v = o.getValues().get(j);
                m[j] = v != null && Double.isFinite(v);
                x[j] = m[j] ? v : 0;
            }
            if (state == null) {
                state = f.update(f.start(t), t, x, m);
                continue;
            }
            long seed = SampleSeed.of(o.getSeriesId(), t);
            // score then update as the job's step does: the next state carries the score's last step
            BatchUpdater.Outcome scored = FilterBatchUpdater.scoreAndUpdate(f, new ObservationUpdate(state, t, x, m,
                    SAMPLES, seed));
            Score score = scored.score();
            double[] mean = score.predictiveMeans(); // predict's, but from the score's carried step
            double err = 0;
            for (int j = 0; j < x.length; j++) {
                err += m[j] ? Math.abs(mean[j] - x[j]) : 0;
            }
            if (score.observedChannels() > 0) {
                out.add(new double[] {t, score.negativeLogDensity(), err / score.observedChannels()});
            }
            state = scored.next();
        }
        return out;
    }

    private static void assertServedScoresAre(List<double[]> expected, List<ShadowScore> got) {
        assertEquals(expected.size(), got.size(),
                "one score per observation after the first (none when all values are missing)");
        for (int i = 0; i < got.size(); i++) {
            ShadowScore s = got.get(i);
            assertEquals((long) expected.get(i)[0], s.eventTimeMillis);
            assertEquals(expected.get(i)[1], s.servedNll, 0.0, "served NLL at " + s.eventTimeMillis + ", bit for bit");
            assertEquals(expected.get(i)[2], s.servedAbsError, 0.0, "served error at " + s.eventTimeMillis);
        }
    }

    private static double mean(List<ShadowScore> scores, java.util.function.ToDoubleFunction<ShadowScore> f) {
        return scores.stream().mapToDouble(f).average().orElseThrow();
    }

    @Test
    void theServedModelsScoresAreThoseOfAPlainFilterRun() throws Exception {
        var h = harness(V1, corrupted(2, 1.3));
        List<Observation> in = series(SERIES);
        observe(h, in);
        List<ShadowScore> out = h.extractOutputValues();
        assertTrue(out.size() > 100, "a couple of minutes of data: " + out.size());
        assertServedScoresAre(reference(V1, in), out);
        for (ShadowScore s : out) {
            assertEquals(SERIES, s.seriesId);
            assertEquals(MODEL, s.modelId);
            assertEquals(1, s.servedVersion);
            assertEquals(2, s.shadowVersion);
        }
    }

    @Test
    void aCandidateWithTheServedParametersScoresExactlyTheSame() throws Exception {
        var h = harness(V1, V2_SAME);
        observe(h, series(SERIES));
        List<ShadowScore> out = h.extractOutputValues();
        assertTrue(out.size() > 100);
        for (ShadowScore s : out) {
            assertEquals(s.servedNll, s.shadowNll, 0.0,
                    "same parameters and samples: same NLL at " + s.eventTimeMillis);
            assertEquals(s.servedAbsError, s.shadowAbsError, 0.0);
            assertEquals(2, s.shadowVersion);
        }
    }

    @Test
    void aCorruptedCandidateScoresWorseOnTheServedModelsRegime() throws Exception {
        var h = harness(V1, corrupted(2, 1.3));
        observe(h, DATA.observations());
        List<ShadowScore> out = h.extractOutputValues();
        double nllServed = mean(out, s -> s.servedNll);
        double nllCandidate = mean(out, s -> s.shadowNll);
        double maeServed = mean(out, s -> s.servedAbsError);
        double maeCandidate = mean(out, s -> s.shadowAbsError);
        System.out.printf("corrupted candidate over %d scores: mean NLL %.4f vs served %.4f, MAE %.4f vs %.4f%n",
                out.size(), nllCandidate, nllServed, maeCandidate, maeServed);
        assertTrue(nllCandidate - nllServed > 0.05, "worse by more than the default margin: " + nllCandidate
                + " vs " + nllServed);
        assertTrue(maeCandidate > maeServed, "and its forecasts are further off: " + maeCandidate + " vs " + maeServed);
        long worse = out.stream().filter(s -> s.shadowNll > s.servedNll).count();
        assertTrue(worse > out.size() / 2, "worse on most observations: " + worse + " of " + out.size());
    }

    @Test
    void anUnsignedCandidateIsRejectedWithAnAlertAndNeverScored() throws Exception {
        var h = harness(1.0, null);
        h.processBroadcastElement(ModelAssignment.serve(V1), 0);
        ModelArtifact unsigned = ModelArtifact.newBuilder(V2_SAME).setSignature(null).setSigningKeyId(null).build();
        h.processBroadcastElement(ModelAssignment.shadow(unsigned), 0);
        List<AnomalyAlert> alerts = alerts(h);
        assertEquals(1, alerts.size());
        AnomalyAlert a = alerts.get(0);
        assertEquals(AlertKind.MODEL_REJECTED, a.getKind());
        assertEquals(2, a.getModelVersion());
        assertEquals("model:" + MODEL, a.getSeriesId());
        assertTrue(a.getMessage().contains("not shadowed"), a.getMessage());
        observe(h, series(SERIES).subList(0, 20));
        assertEquals(List.of(), h.extractOutputValues(), "no candidate, no scores");
    }

    @Test
    void aCandidateNotNewerThanTheServedVersionIsIgnoredAndANewServedVersionRetiresIt() throws Exception {
        var h = harness(1.0, null);
        h.processBroadcastElement(ModelAssignment.serve(V2_SAME), 0);
        h.processBroadcastElement(ModelAssignment.shadow(V1), 0); // older: e.g. replayed from the topic
        List<Observation> in = series(SERIES);
        observe(h, in.subList(0, 10));
        assertEquals(List.of(), h.extractOutputValues());
        assertEquals(List.of(), alerts(h), "ignored, not rejected: it is a valid model");

        ModelArtifact v3 = version(BUNDLED, 3);
        h.processBroadcastElement(ModelAssignment.shadow(v3), 0);
        observe(h, in.subList(10, 20));
        int scored = h.extractOutputValues().size();
        assertTrue(scored >= 8, "v3 is shadowed (first observation absorbed): " + scored);
        h.processBroadcastElement(ModelAssignment.serve(version(BUNDLED, 3)), 0); // v3 promoted
        observe(h, in.subList(20, 40));
        assertEquals(scored, h.extractOutputValues().size(), "v3 is served now: nothing left to shadow");
    }

    @Test
    void aNewModelVersionRestartsBothStatesSoTheyCompareOnTheSameObservations() throws Exception {
        var h = harness(V1, V2_SAME);
        List<Observation> in = series(SERIES);
        int k = 40;
        observe(h, in.subList(0, k));
        int before = h.extractOutputValues().size();
        h.processBroadcastElement(ModelAssignment.shadow(corrupted(3, 1.3)), 0);
        observe(h, in.subList(k, in.size()));
        List<ShadowScore> after = h.extractOutputValues().subList(before, h.extractOutputValues().size());
        assertTrue(after.stream().allMatch(s -> s.shadowVersion == 3));
        // The served state restarted at observation k as well: its scores are those of a run from there.
        assertServedScoresAre(reference(V1, in.subList(k, in.size())), after);
        assertTrue(after.get(0).eventTimeMillis > in.get(k).getEventTime().toEpochMilli(),
                "the first observation after the swap is absorbed, not scored");
    }

    @Test
    void lateWrongWidthAndUnshadowedObservationsAreSkippedAndCounted() throws Exception {
        var h = harness(0.5, null);
        h.processBroadcastElement(ModelAssignment.serve(V1), 0);
        h.processBroadcastElement(ModelAssignment.shadow(V2_SAME), 0);
        ShadowSettings half = new ShadowSettings(0.5, 1, 0, 1, null);
        String shadowed = "s-0";
        String other = "s-0";
        for (int i = 0; half.shadows(shadowed) == half.shadows(other) || !half.shadows(shadowed); i++) {
            shadowed = "s-" + i;
            other = "s-" + (i + 1);
        }
        observe(h, List.of(TestModels.observation(shadowed, 10_000, 0.1, 0.2, 0.3),
                TestModels.observation(shadowed, 11_000, 0.1, 0.2, 0.3),
                TestModels.observation(shadowed, 10_500, 0.1, 0.2, 0.3), // late
                TestModels.observation(shadowed, 12_000, 0.1, 0.2), // two values for three channels
                TestModels.observation(other, 12_000, 0.1, 0.2, 0.3), // not shadowed
                TestModels.observation(shadowed, 13_000, 0.1, null, Double.NaN)));
        List<ShadowScore> out = h.extractOutputValues();
        assertEquals(List.of(11_000L, 13_000L), out.stream().map(s -> s.eventTimeMillis).toList());
        assertEquals(1, evaluator.lateObservations());
        assertEquals(1, evaluator.wrongWidthObservations());
        assertEquals(1, evaluator.ignoredSeriesObservations());
        assertTrue(Double.isFinite(out.get(1).servedNll), "NaN and null are missing values, not errors");
    }

    @Test
    void aRestoreKeepsBothModelsAndEverySeriesStates() throws Exception {
        var h = harness(V1, V2_SAME);
        List<Observation> in = series(SERIES);
        int k = in.size() / 2;
        observe(h, in.subList(0, k));
        List<ShadowScore> first = new ArrayList<>(h.extractOutputValues());
        OperatorSubtaskState snapshot = h.snapshot(1, 0);

        var restored = harness(1.0, snapshot); // no models re-sent: they come from broadcast state
        observe(restored, in.subList(k, in.size()));
        List<ShadowScore> all = new ArrayList<>(first);
        all.addAll(restored.extractOutputValues());
        assertServedScoresAre(reference(V1, in), all); // continued where it stopped, no restart
        assertTrue(restored.extractOutputValues().stream().allMatch(s -> s.shadowVersion == 2
                && s.shadowNll == s.servedNll));
    }

    @Test
    void recordsTravelAsPojosNotKryo() {
        for (Class<?> type : Arrays.asList(ModelAssignment.class, ShadowScore.class, ShadowVerdict.class,
                ShadowSeriesState.class, ShadowTally.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertTrue(info instanceof PojoTypeInfo, type.getSimpleName() + " is " + info);
        }
    }
}
