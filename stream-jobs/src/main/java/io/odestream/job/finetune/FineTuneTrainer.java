package io.odestream.job.finetune;

import io.odestream.finetune.FineTuneRound;
import io.odestream.finetune.TrainingWindow;
import io.odestream.finetune.WindowReservoir;
import io.odestream.job.deploy.ModelDeployment;
import io.odestream.schema.ModelArtifact;
import java.util.Locale;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The one trainer subtask (keyed by a constant, for its processing-time timers): collects windows
 * of every series in a {@link WindowReservoir}; every {@code roundInterval} of processing time (and,
 * when {@code everyWindows} is set, as soon as that many new windows arrived) runs a
 * {@link FineTuneRound} from the model served now and deploys a candidate that passed; emits one
 * line per round saying what was decided and why.
 *
 * <p>The reservoir lives in memory only: after a restart it refills from the stream (a round then
 * waits for its minimum windows). It is cleared after every round that trained, so each round
 * trains and validates on the windows since the previous one. A round blocks this operator for at
 * most its budget plus the check; the windows stream back-pressures meanwhile (this job only).
 */
public final class FineTuneTrainer extends KeyedProcessFunction<Integer, TrainingWindow, String> {
    private static final long serialVersionUID = 1L;

    private final FineTuneSettings settings;
    private final ModelDeployment.Factory deploymentFactory;
    private transient WindowReservoir reservoir;
    private transient ModelDeployment deployment;
    private transient ValueState<Long> nextRound;
    private transient long rounds;
    private transient RoundOutcomes outcomes;
    /** The reservoir's offered-window count right after the last round (for rounds every N windows). */
    private transient long offeredAtLastRound;
    private transient volatile double lastImprovement;
    private transient volatile double lastWindowsPerSecond;

    public FineTuneTrainer(FineTuneSettings settings, ModelDeployment.Factory deploymentFactory) {
        if (settings == null || deploymentFactory == null) {
            throw new IllegalArgumentException("settings and deploymentFactory are required");
        }
        this.settings = settings;
        this.deploymentFactory = deploymentFactory;
    }

    @Override
    public void open(OpenContext context) {
        reservoir = new WindowReservoir(settings.reservoir());
        deployment = deploymentFactory.open();
        nextRound = getRuntimeContext().getState(new ValueStateDescriptor<>("next-round", Types.LONG));
        var metrics = getRuntimeContext().getMetricGroup();
        outcomes = new RoundOutcomes(metrics);
        lastImprovement = Double.NaN;
        lastWindowsPerSecond = Double.NaN;
        metrics.gauge("fineTuneLastImprovement", () -> lastImprovement);
        metrics.gauge("fineTuneWindowsPerSecond", () -> lastWindowsPerSecond);
    }

    @Override
    public void processElement(TrainingWindow window, Context ctx, Collector<String> out) throws Exception {
        reservoir.offer(window);
        Long next = nextRound.value();
        if (next == null) {
            schedule(ctx.timerService().currentProcessingTime(), ctx);
        } else if (settings.everyWindows() > 0
                && reservoir.windowsOffered() - offeredAtLastRound >= settings.everyWindows()) {
            // Enough new windows: a round now, and the timed one moves to an interval after it.
            ctx.timerService().deleteProcessingTimeTimer(next);
            out.collect(runRound());
            schedule(ctx.timerService().currentProcessingTime(), ctx);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) throws Exception {
        out.collect(runRound());
        // From the round's end, not its due time: after a long round, overdue rounds would otherwise fire
        // back to back before the windows that arrived meanwhile reach the reservoir.
        schedule(ctx.timerService().currentProcessingTime(), ctx);
    }

    private void schedule(long now, Context ctx) throws Exception {
        long at = now + settings.roundInterval().toMillis();
        nextRound.update(at);
        ctx.timerService().registerProcessingTimeTimer(at);
    }

    /** One round; never throws (a failed round is reported and the next one tries again). */
    String runRound() {
        String line = round();
        offeredAtLastRound = reservoir.windowsOffered(); // 0 after a round that trained and cleared it
        return line;
    }

    private String round() {
        long round = rounds++;
        if (reservoir.trainingSize() < settings.minTrainingWindows()
                || reservoir.heldOutSize() < settings.minHeldOutWindows()) {
            // not worth the registry reads
            return RoundOutcomes.report(round, outcomes.skip(String.format(Locale.ROOT, "%d training and %d held-out windows; a "
                    + "round needs at least %d and %d (%.0f %% of the windows are held out: about %d windows in all)",
                    reservoir.trainingSize(), reservoir.heldOutSize(), settings.minTrainingWindows(),
                    settings.minHeldOutWindows(), 100 * settings.heldOutFraction(), settings.windowsForARound())));
        }
        Optional<ModelArtifact> serving;
        long version;
        try {
            serving = deployment.serving();
            version = deployment.nextVersion();
        } catch (RuntimeException e) {
            // the registry is unreachable: keep the windows, try again next round
            return RoundOutcomes.report(round, outcomes.skip("the registry could not be read: " + e.getMessage()));
        }
        if (serving.isEmpty()) {
            return RoundOutcomes.report(round, outcomes.skip("no model is served yet; promote one first"));
        }
        ModelArtifact parent = serving.get();
        FineTuneRound.Result result;
        try {
            result = new FineTuneRound(settings.round(round)).run(parent, reservoir.trainingWindows(),
                    reservoir.heldOutWindows(), Math.max(parent.getVersion() + 1, version));
        } catch (RuntimeException e) {
            reservoir.clear(); // windows the serving model cannot take (e.g. another width) would fail again
            return RoundOutcomes.report(round, outcomes.reject("the round failed: " + e));
        }
        if (result.decision() == FineTuneRound.Decision.SKIP) {
            return RoundOutcomes.report(round, outcomes.skip(result.reason())); // keep collecting
        }
        reservoir.clear();
        lastImprovement = result.improvement();
        lastWindowsPerSecond = result.windowsPerSecond(settings.batchSize());
        String stats = String.format(Locale.ROOT, " [v%d, %d iterations%s in %.1f s, %.0f windows/s, %d training / "
                        + "%d held-out windows]", parent.getVersion(), result.iterations(),
                result.budgetSpent() ? " (budget spent)" : "", result.trainingSeconds(),
                lastWindowsPerSecond, result.trainingWindows(), result.heldOutWindows());
        return RoundOutcomes.report(round, outcomes.conclude(result, deployment, stats));
    }


    @Override
    public void close() {
        if (deployment != null) {
            deployment.close();
        }
    }
}
