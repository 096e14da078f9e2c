package io.odestream.job.finetune;

import java.util.Arrays;
import java.util.Locale;

/**
 * What one data-parallel trainer shard ({@link ShardTrainer}) produced in a round, for the
 * {@link RoundCombiner}: the parameters it trained from the serving version, or none when it
 * skipped (too few windows, no serving model, training diverged) with the reason in {@link #note}.
 * A Flink POJO (public no-arg constructor, public fields) so it travels without Kryo.
 */
public class ShardResult {
    /** Round id: the round's wall-clock tick / roundInterval, the same on every shard. */
    public long roundId;
    /** The shard's Flink key ({@link ShardTrainer#routingKeys}; 0 .. P-1 where keyed by the shard number). */
    public int shard;
    /** Version of the serving model the shard trained from; -1 when none was read. */
    public long servingVersion = -1;
    /** The trained parameters; null when the shard did not train this round. */
    public double[] parameters;
    public int trainingWindows;
    public int iterations;
    /** Training time in seconds. */
    public double seconds;
    /** Mean training loss of the last tenth of the iterations (NaN when none). */
    public double trainLoss = Double.NaN;
    /** Whether training stopped on the wall-clock budget before its iterations. */
    public boolean budgetSpent;
    /** Earliest training window start and latest end (epoch ms), for the candidate's lineage. */
    public long dataFromMillis;
    public long dataToMillis;
    /** Series trained on, for the candidate's lineage. */
    public String[] seriesIds = new String[0];
    /** What happened, in words (why it skipped). */
    public String note = "";

    public ShardResult() {
    }

    /** A result of a shard that did not train this round. */
    public static ShardResult skipped(long roundId, int shard, long servingVersion, int trainingWindows, String note) {
        ShardResult r = new ShardResult();
        r.roundId = roundId;
        r.shard = shard;
        r.servingVersion = servingVersion;
        r.trainingWindows = trainingWindows;
        r.note = note;
        return r;
    }

    public boolean trained() {
        return parameters != null;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ShardResult[round %d, shard %d, v%d, %s, %d windows, %d iterations, "
                        + "%.1f s, loss %.4g, series %s: %s]", roundId, shard, servingVersion,
                trained() ? parameters.length + " parameters" : "not trained", trainingWindows, iterations, seconds,
                trainLoss, Arrays.toString(seriesIds), note);
    }
}
