package io.odestream.finetune;

import io.odestream.latent.LatentOdeModel;
import io.odestream.nn.Parameters;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a fine-tuned candidate may replace the serving (parent) model: it must have the
 * parent's spec, every parameter finite, and a held-out loss lower than the parent's by at least
 * {@code margin} of the parent's loss magnitude:
 * <pre>  candidate ≤ parent − margin · |parent|  </pre>
 * (|parent|, not parent: the ELBO loss is a negative log density and can be negative, where
 * "parent × (1 − margin)" would demand a worse candidate). Both models are scored on the same
 * windows with the same noise ({@link HeldOutLoss}).
 */
public final class CandidateCheck {

    /**
     * @param margin   required relative improvement, in [0, 1)
     * @param klWeight β of the held-out ELBO (the training's)
     * @param samples  noise draws per held-out window, >= 1
     * @param seed     the held-out noise, the same for both models
     */
    public record Config(double margin, double klWeight, int samples, long seed) {
        public Config {
            if (!(margin >= 0 && margin < 1)) {
                throw new IllegalArgumentException("margin must be in [0, 1) (e.g. 0.05 = 5 % better), got " + margin);
            }
            if (!(klWeight >= 0)) {
                throw new IllegalArgumentException("klWeight must be >= 0, got " + klWeight);
            }
            if (samples < 1) {
                throw new IllegalArgumentException("samples must be >= 1, got " + samples);
            }
        }
    }

    /**
     * @param publish       whether the candidate passed
     * @param reason        why, in words (numbers included)
     * @param parentLoss    held-out loss of the parent (NaN when not measured)
     * @param candidateLoss held-out loss of the candidate (NaN when not measured)
     */
    public record Verdict(boolean publish, String reason, double parentLoss, double candidateLoss) {
        /** (parent − candidate) / |parent|: the relative improvement the margin is compared with. */
        public double improvement() {
            return (parentLoss - candidateLoss) / Math.abs(parentLoss);
        }
    }

    private final Config config;

    public CandidateCheck(Config config) {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        this.config = config;
    }

    public Verdict judge(LatentOdeModel parent, LatentOdeModel candidate, List<TrainingWindow> heldOut) {
        if (!candidate.spec().equals(parent.spec())) {
            return new Verdict(false, "candidate spec " + candidate.spec() + " differs from the serving model's "
                    + parent.spec() + "; fine-tuning must keep the architecture", Double.NaN, Double.NaN);
        }
        String nonFinite = firstNonFinite(candidate.parameters());
        if (nonFinite != null) {
            return new Verdict(false, "candidate has a non-finite parameter: " + nonFinite, Double.NaN, Double.NaN);
        }
        double parentLoss = HeldOutLoss.of(parent, heldOut, config.klWeight(), config.samples(), config.seed());
        double candidateLoss;
        try {
            candidateLoss = HeldOutLoss.of(candidate, heldOut, config.klWeight(), config.samples(), config.seed());
        } catch (RuntimeException e) {
            // A candidate whose dynamics the solver cannot integrate (step underflow, max steps) is unusable.
            return new Verdict(false, "candidate fails on the held-out windows: " + e.getMessage(), parentLoss,
                    Double.NaN);
        }
        if (!Double.isFinite(candidateLoss)) {
            return new Verdict(false, "candidate's held-out loss is " + candidateLoss, parentLoss, candidateLoss);
        }
        double threshold = parentLoss - config.margin() * Math.abs(parentLoss);
        // A difference, not a percentage: the loss can change sign, where "x % better" means nothing.
        String numbers = String.format(Locale.ROOT, "held-out ELBO loss (beta %.3g) %.5g vs serving %.5g on %d "
                        + "windows (lower by %.4g; margin %.2f %% of |serving| needs <= %.5g)", config.klWeight(),
                candidateLoss, parentLoss, heldOut.size(), parentLoss - candidateLoss, 100 * config.margin(),
                threshold);
        return candidateLoss <= threshold
                ? new Verdict(true, "candidate is better: " + numbers, parentLoss, candidateLoss)
                : new Verdict(false, "candidate is not better by the margin: " + numbers, parentLoss, candidateLoss);
    }

    /** "slice[index] = value" of the first non-finite parameter, null when all are finite. */
    static String firstNonFinite(Parameters parameters) {
        double[] values = parameters.values();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                for (Parameters.Slice s : parameters.slices()) {
                    if (i >= s.offset() && i < s.offset() + s.size()) {
                        return s.name() + "[" + (i - s.offset()) + "] (index " + i + ") = " + values[i];
                    }
                }
                return "index " + i + " = " + values[i];
            }
        }
        return null;
    }
}
