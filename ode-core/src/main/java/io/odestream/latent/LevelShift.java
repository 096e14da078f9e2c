package io.odestream.latent;

import java.io.Serializable;

/**
 * When a series' level has left the range its model was trained on, the series moves its frame
 * instead of scoring every later observation as a surprise of hundreds of nats.
 *
 * <p>A model normalises each channel with its training data's mean μ and standard deviation σ, and
 * its bounded encoder state cannot represent a level far outside what it was trained on: a series
 * that moves there (a server's load after a deployment, a sensor after a recalibration) would score
 * huge on every ordinary observation from then on, and its alert calibration would learn that as
 * normal. With this rule a channel whose last {@code rows} observations all lay more than
 * {@code stds}·σ from μ on the same side is re-centred: from then on the model sees the channel's
 * values minus a shift that puts those observations' mean at μ, and forecasts and alerts add it back
 * ({@link LevelFrame}). The observations that moved it were scored in the old frame, so the move
 * itself is alerted as the surprise it was; the series' filter restarts in the new frame from the
 * observation that moved it, its alert calibration carries on. A series that returns moves back the
 * same way.
 *
 * @param rows consecutive observations of a channel beyond the bound, on one side, that move its frame (≥ 1)
 * @param stds the bound, in the model's training standard deviations from its training mean (&gt; 0)
 */
public record LevelShift(int rows, double stds) implements Serializable {
    private static final long serialVersionUID = 1L;

    public LevelShift {
        if (rows < 1) {
            throw new IllegalArgumentException("a level shift needs >= 1 row beyond the bound, got " + rows);
        }
        if (!(stds > 0) || !Double.isFinite(stds)) {
            throw new IllegalArgumentException("the level shift's bound must be a finite number of standard deviations"
                    + " > 0, got " + stds);
        }
    }

    /**
     * 6 observations in a row beyond 8 training σ: far beyond anything a model's training data held
     * (a channel's σ includes its daily swings and bursts), and long enough that one burst does not
     * move a frame. docs/RESULTS.md ("A series' level outside its model's range") has the NAB runs of
     * rows 4–12 and bounds 6–12 σ (every one above the figure without it).
     */
    public static LevelShift defaults() {
        return new LevelShift(6, 8.0);
    }

    /**
     * The rule a command line gives: {@code ROWS,STDS} (e.g. {@code 6,8}), or {@code off} for none (null).
     *
     * @throws IllegalArgumentException saying what was expected
     */
    public static LevelShift parse(String text) {
        if ("off".equalsIgnoreCase(text.trim())) {
            return null;
        }
        String[] parts = text.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected ROWS,STDS (e.g. 6,8) or off, got '" + text + "'");
        }
        try {
            return new LevelShift(Integer.parseInt(parts[0].trim()), Double.parseDouble(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected ROWS,STDS (e.g. 6,8) or off, got '" + text + "'", e);
        }
    }
}
