package io.odestream.finetune;

import io.odestream.latent.LatentOdeElbo;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.LatentOdeTraining;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ELBO loss of a model on exactly the given windows, each once, averaged over
 * {@code samples} posterior noise draws. The noise comes from the seed alone (not from the
 * model), so two models evaluated with the same windows and seed see the same windows and the same
 * noise: their difference is the models' difference, not sampling luck.
 * ({@link io.odestream.latent.LatentOdeTraining#validationLoss} draws windows at random with
 * replacement, so it cannot promise "exactly these windows".)
 */
public final class HeldOutLoss {
    /** Windows per ELBO evaluation: large enough to batch the solves, small enough for the scratch. */
    static final int CHUNK = 32;

    private HeldOutLoss() {
    }

    /**
     * @param model    the model (its scratch is used: not concurrently with another user)
     * @param windows  non-empty; all of one length and split
     * @param klWeight β of the KL term (the training's, so the loss is the one training lowers)
     * @param samples  noise draws per window, >= 1
     * @param seed     the noise
     * @return mean loss per window
     */
    public static double of(LatentOdeModel model, List<TrainingWindow> windows, double klWeight, int samples,
                            long seed) {
        if (windows == null || windows.isEmpty()) {
            throw new IllegalArgumentException("windows must hold at least one held-out window");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        TrainingWindow first = windows.get(0);
        for (TrainingWindow w : windows) {
            if (w.length() != first.length() || w.split() != first.split()) {
                throw new IllegalArgumentException("held-out windows must share length and split: " + w + " vs "
                        + first);
            }
            if (w.channels() != model.spec().channels()) {
                throw new IllegalArgumentException(w + " has " + w.channels() + " channels, the model "
                        + model.spec().channels());
            }
        }
        model.parametersChanged();
        LatentOdeElbo elbo = new LatentOdeElbo(model, klWeight);
        double[] scratch = new double[model.parameters().size()];
        SplittableRandom noise = new SplittableRandom(seed);
        double sum = 0;
        for (int from = 0; from < windows.size(); from += CHUNK) {
            int to = Math.min(windows.size(), from + CHUNK);
            LatentOdeElbo.Batch batch = batch(model.spec(), windows.subList(from, to));
            for (int s = 0; s < samples; s++) {
                // evaluate() returns the mean per window of its batch: weight it back by the batch size.
                sum += elbo.evaluate(batch, noise.nextLong(), scratch).loss() * (to - from);
            }
        }
        return sum / ((double) windows.size() * samples);
    }

    /** The windows in model units, converted exactly as {@code LatentOdeTraining} converts its random windows. */
    static LatentOdeElbo.Batch batch(LatentOdeSpec spec, List<TrainingWindow> windows) {
        List<LatentOdeTraining.Series> series = windows.stream().map(TrainingWindow::asSeries).toList();
        return LatentOdeTraining.batchOf(spec, series, new int[windows.size()], windows.get(0).length(),
                windows.get(0).split());
    }
}
