package io.odestream.alert;

/**
 * What {@link AlertPolicy#observe} decided for one score of one series.
 *
 * @param raise              true exactly once per incident: on the score that opened it
 * @param incidentOpen       whether the series is in an open incident after this score
 * @param anomalyProbability 1 − the score's tail probability among the series' recent scores, in [0, 1)
 *                           (0 with no history); NaN when the score was NaN (nothing observed)
 * @param threshold          on a raise: the raw score the series had to exceed to raise (the
 *                           (1 − alpha) quantile of its recent scores, or the default threshold during
 *                           warm-up); NaN otherwise
 */
public record AlertDecision(boolean raise, boolean incidentOpen, double anomalyProbability, double threshold) {
}
