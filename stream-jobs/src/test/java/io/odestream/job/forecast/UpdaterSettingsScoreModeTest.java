package io.odestream.job.forecast;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.odestream.alert.AlertPolicy;
import io.odestream.job.TestModels;
import io.odestream.latent.ScoreMode;
import org.junit.jupiter.api.Test;

/** The job's settings keep the monitor's score mode through every copy that rebuilds the monitor. */
class UpdaterSettingsScoreModeTest {

    @Test
    void aSigmaPointMonitorStaysSigmaPointThroughEveryCopy() {
        UpdaterSettings defaults = UpdaterSettings.defaults(TestModels.MODEL_ID, TestModels.VERIFIER);
        assertSame(ScoreMode.MONTE_CARLO, defaults.monitor().scoreMode(), "Monte Carlo unless told");
        UpdaterSettings sigma = defaults.withMonitor(defaults.monitor().withScoreMode(ScoreMode.SIGMA_POINTS));
        assertSame(ScoreMode.SIGMA_POINTS, sigma.withAlertPolicy(AlertPolicy.defaults()).monitor().scoreMode());
        assertSame(ScoreMode.SIGMA_POINTS, sigma.withSamples(32, 8).monitor().scoreMode());
        assertSame(ScoreMode.SIGMA_POINTS, sigma.withRecentCapacity(5).monitor().scoreMode());
    }
}
