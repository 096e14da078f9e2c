package io.odestream.latent;

/**
 * One observation of a micro-batch of updates: score {@code values} at {@code eventTimeMillis}
 * against {@code state} ({@link LatentFilter#score}, when {@code scoreSamples > 0}), then absorb them
 * ({@link LatentFilter#update}). A series' first observation is absorbed without a score: pass
 * {@link LatentFilter#start} as its state and {@code scoreSamples = 0}.
 *
 * @param values       C values in the data's units (read only while the batch runs)
 * @param mask         which channels were observed (null: all); non-finite values count as missing
 * @param scoreSamples posterior samples for the score; 0 for no score
 * @param seed         the score's Monte-Carlo seed
 * @param scoreMode    how the score integrates the posterior ({@link ScoreMode}); samples and seed
 *                     serve {@link ScoreMode#MONTE_CARLO} only
 */
public record ObservationUpdate(FilterState state, long eventTimeMillis, double[] values, boolean[] mask,
                                int scoreSamples, long seed, ScoreMode scoreMode) {
    public ObservationUpdate {
        if (state == null) {
            throw new IllegalArgumentException("an update needs the series' filter state");
        }
        if (values == null) {
            throw new IllegalArgumentException("an update needs the observation's values");
        }
        if (scoreSamples < 0) {
            throw new IllegalArgumentException("score samples must be >= 0, got " + scoreSamples);
        }
        if (scoreMode == null) {
            throw new IllegalArgumentException("an update needs a score mode");
        }
    }

    /** A Monte-Carlo scored update (or none, with {@code scoreSamples = 0}). */
    public ObservationUpdate(FilterState state, long eventTimeMillis, double[] values, boolean[] mask,
                             int scoreSamples, long seed) {
        this(state, eventTimeMillis, values, mask, scoreSamples, seed, ScoreMode.MONTE_CARLO);
    }

    public boolean scored() {
        return scoreSamples > 0;
    }
}
