package io.odestream.latent;

/**
 * How far a latent ODE's own dynamics are trusted, and which forecasts are not served. A model has
 * only ever been trained to carry its state over spans up to its {@link LatentOdeSpec#horizon()}
 * (T, in model time units); integrated much further, a learned vector field can go anywhere (it was
 * seen sending forecasts to 1e46 after a gap of 300 training gaps). So, the rules:
 * <ol>
 *   <li><b>No solve beyond T.</b> The decoder ODE runs from the state's time to {@code min(τ, T)}
 *       for a query τ ahead, and the encoder evolves over {@code min(gap, T)} (the RNN encoder is fed
 *       the gap capped at T): a gap or a horizon of any length costs at most one trained span and can
 *       fail only as a trained span can.</li>
 *   <li><b>Reversion to the marginal beyond T.</b> A forecast τ &gt; T ahead is the mixture
 *       {@code w·p_model(T) + (1 − w)·N(μ, s²)} with {@code w = exp(−(τ − T) / T)}, where μ and s are
 *       the channel's mean and standard deviation in the model's training data (its normalisation):
 *       the mean moves from the model's toward μ and the variance from the model's toward
 *       {@code s²} (plus the spread between the two means while both count), monotonically in τ. At
 *       τ = 2T the model still has weight 0.37, at 100 T it has none left.</li>
 *   <li><b>Envelope.</b> A point whose mean or standard deviation is not finite, whose mean lies more
 *       than {@code envelopeSigmas} training standard deviations from the training mean, or whose
 *       standard deviation exceeds that many, is refused with the reason instead of served.</li>
 *   <li><b>No past.</b> A query before the state's time is refused: the filter keeps no smoothed past
 *       and the model was never trained to run backwards (a backward solve gave a mean of 54 for a
 *       series in ±1).</li>
 * </ol>
 *
 * @param horizonUnits   T, model time units, &gt; 0
 * @param envelopeSigmas how many training standard deviations a served mean may lie from the training
 *                       mean (and a served standard deviation may reach), &gt; 0
 */
public record ForecastLimits(double horizonUnits, double envelopeSigmas) {
    /**
     * T of a model whose spec records none (artifacts written before it was measured): 100 time
     * units, far beyond the windows such models were trained on (the demo's: 16 one-second gaps), so
     * their forecasts within the spans they serve are unchanged while a gap of hours no longer is
     * integrated.
     */
    public static final double DEFAULT_HORIZON_UNITS = 100.0;
    /** The default envelope: 100 training standard deviations. */
    public static final double DEFAULT_ENVELOPE_SIGMAS = 100.0;

    public ForecastLimits {
        if (!(horizonUnits > 0) || !Double.isFinite(horizonUnits)) {
            throw new IllegalArgumentException("the forecast horizon must be a finite number of time units > 0, got "
                    + horizonUnits);
        }
        if (!(envelopeSigmas > 0)) {
            throw new IllegalArgumentException("the forecast envelope must be > 0 standard deviations, got "
                    + envelopeSigmas);
        }
    }

    /** The spec's horizon (or the default) and the default envelope. */
    public static ForecastLimits of(LatentOdeSpec spec) {
        return new ForecastLimits(horizonUnits(spec), DEFAULT_ENVELOPE_SIGMAS);
    }

    /** T of {@code spec}: its recorded horizon, or {@link #DEFAULT_HORIZON_UNITS}. */
    public static double horizonUnits(LatentOdeSpec spec) {
        return spec.horizon() == null ? DEFAULT_HORIZON_UNITS : spec.horizon();
    }

    /** These limits with another envelope. */
    public ForecastLimits withEnvelope(double sigmas) {
        return new ForecastLimits(horizonUnits, sigmas);
    }

    /** How far to integrate for a query {@code aheadUnits} after the state: never beyond T. */
    public double solveTo(double aheadUnits) {
        return Math.min(aheadUnits, horizonUnits);
    }

    /** The model's weight in a forecast {@code aheadUnits} ahead: 1 up to T, then {@code exp(−(τ − T)/T)}. */
    public double modelWeight(double aheadUnits) {
        return aheadUnits <= horizonUnits ? 1.0 : Math.exp(-(aheadUnits - horizonUnits) / horizonUnits);
    }

    /** A gap in model units, capped at {@code spec}'s T: what an encoder is carried over. */
    public static double encoderGapUnits(LatentOdeSpec spec, long gapMillis) {
        return Math.min(gapMillis / spec.timeUnitMillis(), horizonUnits(spec));
    }
}
