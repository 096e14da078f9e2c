package io.odestream.finetune;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A model's forecasts on held-out windows, named by what they measure, so that two versions compare
 * whatever their training objective (an ELBO's value depends on its KL weight β and on the windows;
 * these do not). Computed by {@link HeldOutForecast} from each window's context, for its horizon
 * observations, in the data's units.
 *
 * @param nllPerObservation mean negative log predictive density of an observation's observed channels (nats)
 * @param mae               mean absolute error of the predictive mean over observed values
 * @param coverage90        share of observed values inside the predictive 5–95 % interval (0.90 if calibrated)
 * @param observations      horizon observations scored
 */
public record ForecastMetrics(double nllPerObservation, double mae, double coverage90, long observations) {
    /** Artifact metric keys: a version's own numbers on its held-out windows. */
    public static final String NLL = "heldout_nll_per_obs";
    public static final String MAE = "heldout_mae";
    public static final String COVERAGE_90 = "heldout_coverage_90";
    public static final String OBSERVATIONS = "heldout_observations";
    /** Prefix of the serving (parent) version's numbers on the same windows, in a fine-tuned artifact. */
    public static final String PARENT = "parent_";

    /** The four numbers under their keys, each key prefixed by {@code prefix} ("" or {@link #PARENT}). */
    public Map<String, Double> asMetrics(String prefix) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + NLL, nllPerObservation);
        m.put(prefix + MAE, mae);
        m.put(prefix + COVERAGE_90, coverage90);
        m.put(prefix + OBSERVATIONS, (double) observations);
        return m;
    }

    /**
     * The numbers an artifact's metrics carry; empty for an artifact written before they existed
     * (only {@code validation_loss}, an ELBO that does not compare across versions).
     */
    public static Optional<ForecastMetrics> of(Map<String, Double> metrics) {
        Double nll = metrics.get(NLL);
        Double mae = metrics.get(MAE);
        Double coverage = metrics.get(COVERAGE_90);
        if (nll == null || mae == null || coverage == null) {
            return Optional.empty();
        }
        Double n = metrics.get(OBSERVATIONS);
        return Optional.of(new ForecastMetrics(nll, mae, coverage, n == null ? 0 : n.longValue()));
    }
}
