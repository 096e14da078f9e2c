package io.odestream.job;

import io.odestream.kafka.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * How an observation's values line up with the served model's channels: the data contract by name.
 * {@link #match} decides once per observation, without allocating when it matches:
 * <ol>
 *   <li>the number of values must be the model's channel count, else {@code CHANNEL_COUNT_MISMATCH};</li>
 *   <li>an observation without names, or a model without names (an artifact written before names
 *       existed), is taken by position: value j is channel j;</li>
 *   <li>names equal to the model's, in its order: by position;</li>
 *   <li>names that are a permutation of the model's: mapped by name into model order;</li>
 *   <li>anything else (a channel the model does not know, one it lacks, a name twice):
 *       {@code CHANNEL_NAMES_MISMATCH}, naming the unknown and the missing channels.</li>
 * </ol>
 * The mapping {@link #sourceOf} stays valid until the next {@link #match}; one instance per operator
 * (the forecasting job's per-series operator and the shadow evaluator).
 */
public final class ChannelContract {
    private int[] sourceOf = new int[0];
    private int width;

    /**
     * Matches an observation against the model's channels; null when it matches (the mapping is then
     * ready), else why not. {@code modelNames} is null for a model without names.
     */
    public Rejection match(List<String> modelNames, int modelWidth, List<Double> values, List<String> names) {
        if (values.size() != modelWidth) {
            return new Rejection(Rejection.Reason.CHANNEL_COUNT_MISMATCH, "the observation has " + values.size()
                    + " values but the served model has " + modelWidth + " channels"
                    + (modelNames == null ? "" : " " + modelNames)
                    + "; send one entry per channel (null for a channel not observed), in the model's order or named");
        }
        if (sourceOf.length < modelWidth) {
            sourceOf = new int[modelWidth];
        }
        width = modelWidth;
        if (names != null && names.size() != values.size()) {
            return new Rejection(Rejection.Reason.CHANNEL_COUNT_MISMATCH, "the observation names " + names.size()
                    + " channels but has " + values.size() + " values; they must match");
        }
        if (modelNames == null || names == null || sameOrder(modelNames, names)) {
            for (int j = 0; j < modelWidth; j++) {
                sourceOf[j] = j;
            }
            return null;
        }
        return matchNames(modelNames, names); // as many names as the model's: a permutation, or a mismatch
    }

    /**
     * Matches names alone (a history's channels against a model's): null when {@code names} are the
     * model's in some order (the mapping is then ready), else why not. Both lists must be non-null.
     */
    public Rejection matchNames(List<String> modelNames, List<String> names) {
        if (names.size() != modelNames.size()) {
            return new Rejection(Rejection.Reason.CHANNEL_COUNT_MISMATCH, "the channels " + names
                    + " are not as many as the model's " + modelNames);
        }
        if (sourceOf.length < modelNames.size()) {
            sourceOf = new int[modelNames.size()];
        }
        width = modelNames.size();
        for (int j = 0; j < width; j++) {
            int source = names.indexOf(modelNames.get(j));
            if (source < 0) {
                return namesMismatch(modelNames, names);
            }
            sourceOf[j] = source;
        }
        return null;
    }

    /** Index in the observation's values of model channel {@code j}, after a successful {@link #match}. */
    public int sourceOf(int j) {
        return sourceOf[j];
    }

    /** Whether the last match maps values in their own order (no reordering needed). */
    public boolean inOrder() {
        for (int j = 0; j < width; j++) {
            if (sourceOf[j] != j) {
                return false;
            }
        }
        return true;
    }

    /** The observation's values in model order, after a successful {@link #match}. */
    public List<Double> inModelOrder(List<Double> values) {
        if (inOrder()) {
            return values;
        }
        List<Double> ordered = new ArrayList<>(width);
        for (int j = 0; j < width; j++) {
            ordered.add(values.get(sourceOf[j]));
        }
        return ordered;
    }

    private static boolean sameOrder(List<String> modelNames, List<String> names) {
        for (int j = 0; j < modelNames.size(); j++) {
            if (!modelNames.get(j).equals(names.get(j))) {
                return false;
            }
        }
        return true;
    }

    private static Rejection namesMismatch(List<String> modelNames, List<String> names) {
        List<String> unknown = new ArrayList<>(names);
        unknown.removeAll(modelNames);
        List<String> missing = new ArrayList<>(modelNames);
        missing.removeAll(names);
        return new Rejection(Rejection.Reason.CHANNEL_NAMES_MISMATCH, "the observation's channels " + names
                + " are not the served model's " + modelNames
                + (unknown.isEmpty() ? "" : "; unknown to the model: " + unknown)
                + (missing.isEmpty() ? "" : "; missing: " + missing)
                + (unknown.isEmpty() && missing.isEmpty() ? "; a channel is named twice" : "")
                + "; name each of the model's channels once (null for a channel not observed)");
    }
}
