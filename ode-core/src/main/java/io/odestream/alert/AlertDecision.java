package io.odestream.alert;

/**
 * What {@link AlertPolicy#observe} decided for one score of one series.
 *
 * @param raise              true on the score that opened an incident, and on a score inside it that escalated
 *                           it (far more surprising than what the incident has reported); false otherwise
 * @param incidentOpen       whether the series is in an open incident after this score
 * @param anomalyProbability 1 − the score's tail probability among the series' recent scores, in [0, 1)
 *                           (0 with no history); NaN when the score was NaN (nothing observed)
 * @param threshold          on a raise: the raw score the series had to exceed to raise (the
 *                           (1 − alpha) quantile of its recent scores; during warm-up the default threshold,
 *                           or with the z rule the score this observation would have had at |z| = warmUpZ);
 *                           with a multi-scale policy the point rule's threshold, which a raise by the
 *                           short-window rule need not exceed; NaN otherwise
 */
public record AlertDecision(boolean raise, boolean incidentOpen, double anomalyProbability, double threshold) {
}
