package io.odestream.job.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.NoOpMetricRegistry;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ShadowVerdicts in Flink's keyed operator harness: when a candidate is decided, how, and only once. */
class ShadowVerdictsTest {
    private static final String MODEL = "m";
    private static final int MIN = 100;
    private static final double MARGIN = 0.05;
    /** Promotions the test promoter was asked for ("model/version"); static: the factory must serialise. */
    private static final List<String> PROMOTIONS = new CopyOnWriteArrayList<>();

    private final List<KeyedOneInputStreamOperatorTestHarness<Long, ShadowScore, ShadowVerdict>> harnesses =
            new ArrayList<>();

    @BeforeEach
    void forgetPromotions() {
        PROMOTIONS.clear();
    }

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
    }

    private static final class RecordingPromoter implements ShadowPromoter {
        @Override
        public String promote(String modelId, long version, String reason) {
            PROMOTIONS.add(modelId + "/" + version);
            return "recorded";
        }

        @Override
        public void close() {
        }
    }

    private static ShadowSettings settings(ShadowPromoter.Factory promoter) {
        return new ShadowSettings(1.0, MIN, MARGIN, 4, promoter);
    }

    private KeyedOneInputStreamOperatorTestHarness<Long, ShadowScore, ShadowVerdict> harness(ShadowSettings settings,
            OperatorSubtaskState restoreFrom) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ShadowVerdicts(settings)),
                new ShadowVerdicts.CandidateVersion(), Types.LONG);
        harnesses.add(h);
        h.setup();
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private KeyedOneInputStreamOperatorTestHarness<Long, ShadowScore, ShadowVerdict> harness() throws Exception {
        return harness(settings(RecordingPromoter::new), null);
    }

    /**
     * {@code n} scores of candidate {@code version} against {@code served}: served NLL around 1.5 with
     * noise, the candidate's lower by {@code gain} on average (its own noise too), errors likewise.
     */
    private static List<ShadowScore> scores(int n, long served, long version, double gain, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ShadowScore> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double nll = 1.5 + r.nextGaussian() * 0.5;
            double err = 0.3 + Math.abs(r.nextGaussian()) * 0.1;
            out.add(new ShadowScore("s" + (i % 7), MODEL, 1_000L * i, served, version, nll,
                    nll - gain + r.nextGaussian() * 0.1, err, err * (1 - gain)));
        }
        return out;
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<Long, ShadowScore, ShadowVerdict> h,
                             List<ShadowScore> scores) throws Exception {
        for (ShadowScore s : scores) {
            h.processElement(s, s.eventTimeMillis);
        }
    }

    private static double mean(List<ShadowScore> scores, java.util.function.ToDoubleFunction<ShadowScore> f) {
        return scores.stream().mapToDouble(f).average().orElseThrow();
    }

    @Test
    void aCandidateThatWinsByMoreThanTheMarginIsPromotedOnceWithItsNumbers() throws Exception {
        var h = harness();
        List<ShadowScore> in = scores(MIN, 1, 7, 0.2, 1);
        feed(h, in.subList(0, MIN - 1));
        assertEquals(List.of(), h.extractOutputValues(), "no verdict before minObservations");
        assertEquals(List.of(), PROMOTIONS);

        feed(h, in.subList(MIN - 1, MIN));
        List<ShadowVerdict> out = h.extractOutputValues();
        assertEquals(1, out.size());
        ShadowVerdict v = out.get(0);
        assertEquals(ShadowVerdict.Decision.PROMOTE, v.decision, v.reason);
        assertEquals(MODEL, v.modelId);
        assertEquals(7, v.version);
        assertEquals(1, v.servedVersion);
        assertEquals(MIN, v.observations);
        assertEquals(mean(in, s -> s.servedNll), v.meanNllServed, 1e-12);
        assertEquals(mean(in, s -> s.shadowNll), v.meanNllCandidate, 1e-12);
        assertEquals(mean(in, s -> s.servedAbsError), v.maeServed, 1e-12);
        assertEquals(mean(in, s -> s.shadowAbsError), v.maeCandidate, 1e-12);
        assertTrue(v.meanNllServed - v.meanNllCandidate > MARGIN, "the data gives the candidate the win");
        assertTrue(v.reason.contains(String.format(java.util.Locale.ROOT, "%.4f", v.meanNllCandidate)),
                "the reason carries the numbers: " + v.reason);
        assertEquals(List.of(MODEL + "/7"), PROMOTIONS, "promoted once, with the candidate's version");

        feed(h, scores(3 * MIN, 1, 7, 0.2, 2));
        assertEquals(1, h.extractOutputValues().size(), "a decided version gets no second verdict");
        assertEquals(List.of(MODEL + "/7"), PROMOTIONS, "nor a second promotion");
    }

    @Test
    void aCandidateThatWinsByLessThanTheMarginIsRejectedAndNotPromoted() throws Exception {
        var h = harness();
        List<ShadowScore> in = scores(MIN, 1, 7, 0.02, 3); // gain 0.02 nats < margin 0.05
        feed(h, in);
        List<ShadowVerdict> out = h.extractOutputValues();
        assertEquals(1, out.size());
        ShadowVerdict v = out.get(0);
        double gain = v.meanNllServed - v.meanNllCandidate;
        assertTrue(gain > 0 && gain < MARGIN, "better, but not by the margin: " + gain);
        assertEquals(ShadowVerdict.Decision.REJECT, v.decision, v.reason);
        assertTrue(v.reason.startsWith("rejected, NLL not better by the margin: "), v.reason);
        assertEquals(List.of(), PROMOTIONS);

        feed(h, scores(MIN, 1, 7, 1.0, 4)); // it would win now, but it was decided
        assertEquals(1, h.extractOutputValues().size());
        assertEquals(List.of(), PROMOTIONS);
    }

    /**
     * {@code n} scores where the candidate's NLL is lower by {@code nllGain} and its absolute error
     * higher by {@code extraError}: a likelihood bought with worse point forecasts.
     */
    private static List<ShadowScore> betterNllWorseError(int n, long version, double nllGain, double extraError,
                                                         long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ShadowScore> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double nll = 1.5 + r.nextGaussian() * 0.5;
            double err = 0.3 + Math.abs(r.nextGaussian()) * 0.1;
            out.add(new ShadowScore("s" + (i % 7), MODEL, 1_000L * i, 1, version, nll, nll - nllGain, err,
                    err + extraError));
        }
        return out;
    }

    @Test
    void underTheDefaultCriterionACandidateWithWorseMaeIsRefusedAndTheVerdictRecordsBothMeasures() throws Exception {
        var h = harness();
        feed(h, betterNllWorseError(MIN, 7, 0.3, 0.05, 30));
        ShadowVerdict v = h.extractOutputValues().get(0);
        assertEquals("nll,mae", v.criterion);
        assertTrue(v.meanNllServed - v.meanNllCandidate > MARGIN, "NLL alone would promote it");
        assertTrue(v.maeCandidate > v.maeServed);
        assertEquals(ShadowVerdict.Decision.REJECT, v.decision, v.reason);
        assertTrue(v.reason.startsWith("rejected, MAE worse than the served model's: "), v.reason);
        assertTrue(v.reason.contains(String.format(java.util.Locale.ROOT, "MAE %.4f vs %.4f", v.maeCandidate,
                v.maeServed)) && v.reason.contains(String.format(java.util.Locale.ROOT, "mean NLL %.4f vs %.4f",
                v.meanNllCandidate, v.meanNllServed)), "both measures are in the reason: " + v.reason);
        assertEquals(List.of(), PROMOTIONS);
    }

    @Test
    void theCriterionSaysWhichMeasuresCanRefuseACandidate() throws Exception {
        var nllOnly = harness(settings(RecordingPromoter::new).withCriteria(ShadowCriterion.parse("nll")), null);
        feed(nllOnly, betterNllWorseError(MIN, 7, 0.3, 0.05, 31));
        ShadowVerdict v = nllOnly.extractOutputValues().get(0);
        assertEquals(ShadowVerdict.Decision.PROMOTE, v.decision, "MAE is recorded, not judged: " + v.reason);
        assertEquals("nll", v.criterion);
        assertEquals(List.of(MODEL + "/7"), PROMOTIONS);

        var maeOnly = harness(settings(RecordingPromoter::new).withCriteria(ShadowCriterion.parse("MAE")), null);
        feed(maeOnly, betterNllWorseError(MIN, 8, -0.3, -0.05, 32)); // worse NLL, better MAE
        ShadowVerdict w = maeOnly.extractOutputValues().get(0);
        assertEquals(ShadowVerdict.Decision.PROMOTE, w.decision, w.reason);
        assertEquals(List.of(MODEL + "/7", MODEL + "/8"), PROMOTIONS);
    }

    @Test
    void scoresAgainstAnOlderServedVersionAreIgnored() throws Exception {
        var h = harness();
        // Against served v2 the candidate wins big; then v3 is served and it loses; then late v2 scores.
        feed(h, scores(MIN / 2, 2, 7, 1.0, 5));
        List<ShadowScore> againstV3 = scores(MIN, 3, 7, -0.2, 6);
        feed(h, againstV3.subList(0, MIN / 2));
        feed(h, scores(MIN, 2, 7, 1.0, 7)); // would decide (and promote) if counted
        assertEquals(List.of(), h.extractOutputValues(), "only the scores against v3 count");
        feed(h, againstV3.subList(MIN / 2, MIN));
        List<ShadowVerdict> out = h.extractOutputValues();
        assertEquals(1, out.size());
        ShadowVerdict v = out.get(0);
        assertEquals(3, v.servedVersion);
        assertEquals(MIN, v.observations);
        assertEquals(mean(againstV3, s -> s.servedNll), v.meanNllServed, 1e-12,
                "the sums hold the v3 scores and nothing else");
        assertEquals(mean(againstV3, s -> s.shadowNll), v.meanNllCandidate, 1e-12);
        assertEquals(ShadowVerdict.Decision.REJECT, v.decision);
        assertEquals(List.of(), PROMOTIONS);
    }

    @Test
    void candidatesAreDecidedIndependently() throws Exception {
        var h = harness();
        List<ShadowScore> mixed = new ArrayList<>();
        List<ShadowScore> v7 = scores(MIN, 1, 7, 0.3, 8);
        List<ShadowScore> v8 = scores(MIN, 1, 8, -0.3, 9);
        for (int i = 0; i < MIN; i++) {
            mixed.add(v7.get(i));
            mixed.add(v8.get(i));
        }
        feed(h, mixed);
        List<ShadowVerdict> out = h.extractOutputValues();
        assertEquals(2, out.size());
        assertEquals(7, out.get(0).version);
        assertEquals(ShadowVerdict.Decision.PROMOTE, out.get(0).decision);
        assertEquals(8, out.get(1).version);
        assertEquals(ShadowVerdict.Decision.REJECT, out.get(1).decision);
        assertEquals(List.of(MODEL + "/7"), PROMOTIONS);
    }

    @Test
    void aRestoreKeepsTheDecisionsAndTheRunningSums() throws Exception {
        var h = harness();
        feed(h, scores(MIN, 1, 7, 0.3, 10));
        List<ShadowScore> v8 = scores(MIN, 1, 8, 0.3, 11);
        feed(h, v8.subList(0, MIN / 2));
        assertEquals(1, h.extractOutputValues().size());
        OperatorSubtaskState snapshot = h.snapshot(1, 0);

        var restored = harness(settings(RecordingPromoter::new), snapshot);
        feed(restored, scores(MIN, 1, 7, 0.3, 12));
        assertEquals(List.of(), restored.extractOutputValues(), "v7 was decided before the restore");
        feed(restored, v8.subList(MIN / 2, MIN));
        List<ShadowVerdict> out = restored.extractOutputValues();
        assertEquals(1, out.size(), "v8 decided after its remaining half: the first half survived the restore");
        assertEquals(8, out.get(0).version);
        assertEquals(MIN, out.get(0).observations);
        assertEquals(mean(v8, s -> s.shadowNll), out.get(0).meanNllCandidate, 1e-12);
        assertEquals(List.of(MODEL + "/7", MODEL + "/8"), PROMOTIONS, "each promoted exactly once");
    }

    @Test
    void aFailingPromoterIsReportedInTheVerdictAndTheJobCarriesOn() throws Exception {
        var h = harness(settings(() -> {
            throw new IllegalStateException("registry unreachable");
        }), null);
        feed(h, scores(MIN, 1, 7, 0.3, 13));
        feed(h, scores(MIN, 1, 8, 0.3, 14));
        List<ShadowVerdict> out = h.extractOutputValues();
        assertEquals(2, out.size(), "the failure of v7's promotion did not stop v8's verdict");
        for (ShadowVerdict v : out) {
            assertEquals(ShadowVerdict.Decision.PROMOTE, v.decision);
            assertTrue(v.reason.contains("promotion failed") && v.reason.contains("registry unreachable")
                    && v.reason.contains("odestream models promote " + v.version), v.reason);
        }
    }

    @Test
    void withoutAPromoterAWinnerIsOnlyReported() throws Exception {
        var h = harness(settings(null), null);
        feed(h, scores(MIN, 1, 7, 0.3, 15));
        ShadowVerdict v = h.extractOutputValues().get(0);
        assertEquals(ShadowVerdict.Decision.PROMOTE, v.decision);
        assertTrue(v.reason.contains("no promoter configured"), v.reason);
        assertEquals(List.of(), PROMOTIONS);
    }

    /** Keeps the metrics registered in group "odestream", by name. */
    private static final class CapturingRegistry extends NoOpMetricRegistry {
        final Map<String, Metric> metrics = new ConcurrentHashMap<>();

        @Override
        public void register(Metric metric, String name, AbstractMetricGroup<?> group) {
            String[] scope = group.getScopeComponents();
            if (scope.length > 0 && scope[scope.length - 1].equals("odestream")) {
                metrics.put(name, metric);
            }
        }
    }

    @Test
    void metricsShowTheCandidateScoredLastAndCountTheVerdicts() throws Exception {
        CapturingRegistry registry = new CapturingRegistry();
        TaskMetricGroup task = TaskManagerMetricGroup.createTaskManagerMetricGroup(registry, "localhost",
                ResourceID.generate()).addJob(new JobID(), "job").addTask(ExecutionAttemptID.randomId(), "verdicts");
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ShadowVerdicts(settings(RecordingPromoter::new))),
                new ShadowVerdicts.CandidateVersion(), Types.LONG,
                new MockEnvironmentBuilder().setMetricGroup(task).build());
        harnesses.add(h);
        h.open();
        List<ShadowScore> v7 = scores(MIN / 2, 1, 7, 0.3, 16);
        feed(h, v7);
        assertEquals((long) MIN / 2, gauge(registry, "shadowObservations"));
        assertEquals(7L, gauge(registry, "shadowCandidateVersion"));
        assertEquals(mean(v7, s -> s.servedNll), (double) gauge(registry, "shadowMeanNllServed"), 1e-12);
        assertEquals(mean(v7, s -> s.shadowNll), (double) gauge(registry, "shadowMeanNllCandidate"), 1e-12);
        assertEquals(mean(v7, s -> s.servedAbsError), (double) gauge(registry, "shadowMaeServed"), 1e-12);
        assertEquals(mean(v7, s -> s.shadowAbsError), (double) gauge(registry, "shadowMaeCandidate"), 1e-12);

        feed(h, scores(MIN, 1, 7, 0.3, 17)); // v7 decided: PROMOTE
        feed(h, scores(MIN, 1, 8, -0.3, 18)); // v8 decided: REJECT
        assertEquals(8L, gauge(registry, "shadowCandidateVersion"));
        assertEquals(1, ((Counter) registry.metrics.get("shadowPromoted")).getCount());
        assertEquals(1, ((Counter) registry.metrics.get("shadowRejected")).getCount());
        assertEquals(MIN / 2, ((Counter) registry.metrics.get("shadowScoresAfterVerdict")).getCount());
    }

    private static Object gauge(CapturingRegistry registry, String name) {
        Metric m = registry.metrics.get(name);
        assertTrue(m instanceof Gauge, name + " is a registered gauge: " + m);
        return ((Gauge<?>) m).getValue();
    }
}
