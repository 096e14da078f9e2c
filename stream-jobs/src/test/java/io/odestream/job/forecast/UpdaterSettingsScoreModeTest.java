package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.TestModels;
import io.odestream.latent.ScoreMode;
import org.junit.jupiter.api.Test;

/** The job's settings keep the monitor's score mode through every copy that rebuilds the monitor. */
class UpdaterSettingsScoreModeTest {

    @Test
    void theMonitorsScoreModeSurvivesEveryCopy() {
        UpdaterSettings defaults = UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER);
        assertSame(ScoreMode.SIGMA_POINTS, defaults.monitor().scoreMode(), "sigma points unless told");
        UpdaterSettings monteCarlo = defaults.withMonitor(defaults.monitor().withScoreMode(ScoreMode.MONTE_CARLO));
        assertSame(ScoreMode.MONTE_CARLO, monteCarlo.withAlertPolicy(AlertPolicy.defaults()).monitor().scoreMode());
        assertSame(ScoreMode.MONTE_CARLO, monteCarlo.withSamples(32, 8).monitor().scoreMode());
        assertSame(ScoreMode.MONTE_CARLO, monteCarlo.withRecentCapacity(5).monitor().scoreMode());
        assertSame(ScoreMode.SIGMA_POINTS, defaults.withSamples(32, 8).monitor().scoreMode());
    }
}
