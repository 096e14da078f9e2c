package io.odestream.latent;

/**
 * One channel's seasonal baseline s(t) = βᵀφ(t): a level plus a few Fourier harmonics of the time of
 * day and of the day of week, learned by exact recursive weighted least squares as rows arrive. The
 * per-series model then models what the season does not explain, x − s(t), and the predictive
 * density of x is the model's shifted by s(t) (a shift: the same density value, no Jacobian).
 *
 * <p>Why a baseline on known features, not time-of-day inputs to the latent ODE: the model's inputs
 * are its observed channels, all of which it predicts and scores, so known time channels would need
 * a change of the model, its training and its score; and a latent ODE fitted on one hour windows
 * cannot learn a daily shape from the two or three days a series offers before it is scored. A
 * linear model in fixed features is identifiable from a few days, is exact to update per row (no
 * gradient steps, no candidate check), and leaves the model and its score untouched.
 *
 * <p>The estimate is the ridge least-squares solution with exponentially forgotten rows: row k
 * weighs exp(−(t − t_k)/memory). Forgetting moves the information back to the prior, not to zero
 * (R ← λR + (1 − λ)R₀ + φφᵀ, b ← λb + φx), so the coefficients stay determined through gaps and
 * before a whole week has been seen; the prior holds every harmonic's coefficient at 0 with the
 * weight of {@code priorRows} rows and leaves the level free. The solution is linear in the values,
 * so it does not depend on their unit. Time of day and day of week are those of the epoch
 * milliseconds as given (UTC); a fixed offset of the series' local zone only shifts the phases,
 * which are fitted.
 *
 * <p>No allocation per row: {@link #update} and {@link #baseline} work in arrays sized once.
 * Not thread-safe: one instance per series and channel.
 */
public final class SeasonalBaseline {
    private static final double DAY_MILLIS = 86_400_000.0;
    private static final double WEEK_MILLIS = 7 * DAY_MILLIS;
    /** The level's prior weight: a tiny ridge that keeps R₀ positive definite, not a belief about the level. */
    private static final double LEVEL_PRIOR = 1e-9;

    /**
     * @param dailyHarmonics  sine/cosine pairs of the time of day (periods 24 h, 12 h, ...)
     * @param weeklyHarmonics sine/cosine pairs of the time of week (periods 7 d, 3.5 d, ...); with
     *                        fewer than 7 they never coincide with a daily one
     * @param memoryDays      the forgetting time constant in days of event time (∞: never forget)
     * @param priorRows       prior weight of each harmonic coefficient at 0, in rows
     */
    public record Config(int dailyHarmonics, int weeklyHarmonics, double memoryDays, double priorRows) {
        public Config {
            if (dailyHarmonics < 0 || weeklyHarmonics < 0 || dailyHarmonics + weeklyHarmonics == 0) {
                throw new IllegalArgumentException("a seasonal baseline needs >= 0 daily and weekly harmonics, at "
                        + "least one in all; got " + dailyHarmonics + " daily, " + weeklyHarmonics + " weekly");
            }
            if (weeklyHarmonics >= 7) {
                throw new IllegalArgumentException("weeklyHarmonics must be < 7 (the 7th is the daily period), got "
                        + weeklyHarmonics);
            }
            if (!(memoryDays > 0)) {
                throw new IllegalArgumentException("memoryDays must be > 0 (Infinity: never forget), got "
                        + memoryDays);
            }
            if (!(priorRows > 0) || !Double.isFinite(priorRows)) {
                throw new IllegalArgumentException("priorRows must be a finite number > 0, got " + priorRows);
            }
        }

        /**
         * Three harmonics of the day (shapes down to 8 h), three of the week (a working week against
         * its weekend, smoothly), two weeks of memory (so each weekly term has been seen twice), and
         * a prior of 10 rows: a few hours at a 5-minute cadence.
         */
        public static Config defaults() {
            return new Config(3, 3, 14, 10);
        }

        int features() {
            return 1 + 2 * (dailyHarmonics + weeklyHarmonics);
        }
    }

    private final Config config;
    private final int p;
    private final double memoryMillis;
    private final double[] information;
    private final double[] moment;
    private final double[] priorDiagonal;
    private final double[] coefficients;
    private final double[] features;
    private final double[] factor;
    private long lastTime;
    private boolean seen;
    private boolean solved = true;

    public SeasonalBaseline(Config config) {
        if (config == null) {
            throw new IllegalArgumentException("config is required (SeasonalBaseline.Config.defaults() or your own)");
        }
        this.config = config;
        this.p = config.features();
        this.memoryMillis = config.memoryDays() * DAY_MILLIS;
        this.information = new double[p * p];
        this.moment = new double[p];
        this.priorDiagonal = new double[p];
        this.coefficients = new double[p];
        this.features = new double[p];
        this.factor = new double[p * p];
        priorDiagonal[0] = LEVEL_PRIOR;
        for (int j = 1; j < p; j++) {
            priorDiagonal[j] = config.priorRows();
        }
        for (int j = 0; j < p; j++) {
            information[j * p + j] = priorDiagonal[j];
        }
    }

    /** A baseline that has absorbed the first {@code rows} rows (non-finite values are skipped). */
    public static SeasonalBaseline fitted(Config config, long[] timesMillis, double[] values, int rows) {
        SeasonalBaseline baseline = new SeasonalBaseline(config);
        for (int i = 0; i < rows; i++) {
            baseline.update(timesMillis[i], values[i]);
        }
        return baseline;
    }

    public Config config() {
        return config;
    }

    /** s(t), level and season, with the coefficients of the rows absorbed so far (0 before any). */
    public double baseline(long timeMillis) {
        return level() + season(timeMillis);
    }

    /**
     * The periodic part of s(t) alone, without the level: what a model that follows the level itself
     * (a filter of the series) should be given the residual of. The level has to be in the fit (the
     * harmonics of a few days are not orthogonal to a constant) but it moves by more than the season
     * on many series, and a model fitted to residuals around a level estimated from those same rows
     * learns a mean reversion that the series does not have.
     */
    public double season(long timeMillis) {
        solve();
        fillFeatures(timeMillis);
        double s = 0;
        for (int j = 1; j < p; j++) {
            s += coefficients[j] * features[j];
        }
        return s;
    }

    /** The level coefficient: the forgetting-weighted mean the season is measured from. */
    public double level() {
        solve();
        return coefficients[0];
    }

    /**
     * Absorbs one row: the earlier rows forgotten by the event time elapsed since the last one (none
     * for a row at or before it), then the row added. A non-finite value (missing) changes nothing.
     */
    public void update(long timeMillis, double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        if (seen && timeMillis > lastTime) {
            forget(Math.exp(-(timeMillis - lastTime) / memoryMillis));
        }
        if (!seen || timeMillis > lastTime) {
            lastTime = timeMillis;
        }
        seen = true;
        fillFeatures(timeMillis);
        for (int i = 0; i < p; i++) {
            double fi = features[i];
            for (int j = 0; j <= i; j++) {
                information[i * p + j] += fi * features[j];
            }
            moment[i] += fi * value;
        }
        solved = false;
    }

    /** The current coefficients (level, then the daily sine/cosine pairs, then the weekly ones); a copy. */
    public double[] coefficients() {
        solve();
        return coefficients.clone();
    }

    private void forget(double lambda) {
        if (lambda >= 1) {
            return;
        }
        double keep = 1 - lambda;
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                information[i * p + j] *= lambda;
            }
            information[i * p + i] += keep * priorDiagonal[i];
            moment[i] *= lambda;
        }
    }

    /** β = R⁻¹ b by Cholesky (R is positive definite: the prior's diagonal is never forgotten). */
    private void solve() {
        if (solved) {
            return;
        }
        System.arraycopy(information, 0, factor, 0, p * p);
        if (Double.isNaN(Cholesky.factorInPlace(factor, p))) {
            // only reachable through overflow of absurd values: keep the last coefficients
            solved = true;
            return;
        }
        System.arraycopy(moment, 0, coefficients, 0, p);
        Cholesky.forwardSubstituteInPlace(factor, p, coefficients);
        for (int i = p - 1; i >= 0; i--) { // Lᵀ β = L⁻¹ b
            double s = coefficients[i];
            for (int k = i + 1; k < p; k++) {
                s -= factor[k * p + i] * coefficients[k];
            }
            coefficients[i] = s / factor[i * p + i];
        }
        solved = true;
    }

    private void fillFeatures(long timeMillis) {
        features[0] = 1;
        double day = 2 * Math.PI * (Math.floorMod(timeMillis, (long) DAY_MILLIS) / DAY_MILLIS);
        double week = 2 * Math.PI * (Math.floorMod(timeMillis, (long) WEEK_MILLIS) / WEEK_MILLIS);
        int j = 1;
        for (int k = 1; k <= config.dailyHarmonics(); k++) {
            features[j++] = Math.sin(k * day);
            features[j++] = Math.cos(k * day);
        }
        for (int k = 1; k <= config.weeklyHarmonics(); k++) {
            features[j++] = Math.sin(k * week);
            features[j++] = Math.cos(k * week);
        }
    }
}
