package io.odestream.latent;

/**
 * How surprising an observation was under the predictive distribution at its time, computed before
 * the observation updates the state.
 *
 * @param negativeLogDensity −log p(observed channels), in the data's units (NaN when nothing was observed)
 * @param zScores            per channel (x − predictive mean) / predictive std; NaN for missing channels
 * @param observedChannels   how many channels were observed (finite and unmasked)
 * @param predictiveMeans    per channel the predictive mean at the observation's time, in data units
 *                           (what {@link LatentFilter#predict} gives with the same seed, within the
 *                           solver's tolerance: the score's solve starts from the series' carried
 *                           step, a forecast's from a fresh guess); NaN for missing channels
 */
public record Score(double negativeLogDensity, double[] zScores, int observedChannels, double[] predictiveMeans) {
}
