package io.odestream.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AlertPolicy;
import io.odestream.latent.LevelShift;
import io.odestream.latent.ScoreMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The job jar's main on stream-jobs' own classpath (no app, no demo, no eval): the commands parse and
 * explain themselves, and a bad input fails before any job is built.
 */
class JobMainTest {
    private record Result(int exit, String out, String err) {}

    private static Result jobMain(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = JobMain.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void runHelpListsTheJobsOptions() {
        Result r = jobMain("run", "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Usage: odestream-job run"), r.out());
        assertTrue(r.out().contains("--model=MODEL_ID") && r.out().contains("--batch-backend")
                && r.out().contains("--bootstrap-servers"), r.out());
        assertTrue(r.out().contains("odestream-job.jar"), r.out());
    }

    @Test
    void helpTextsNameTheBuiltInDefaultsNotTheCurrentEnvironmentsValues() {
        // picocli's default-value variable would print $ODESTREAM_BOOTSTRAP_SERVERS' value as "the default"
        String help = jobMain("run", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("(default: $ODESTREAM_BOOTSTRAP_SERVERS if set, else 127.0.0.1:9092)"), help);
        assertTrue(help.contains("(default: $ODESTREAM_TRUSTED_KEYS if set, else keys)"), help);
        assertTrue(help.contains("(default: $ODESTREAM_TOPIC_PREFIX if set, else none)"), help);
    }

    @Test
    void finetuneHelpListsTheJobsOptions() {
        Result r = jobMain("finetune", "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Usage: odestream-job finetune") && r.out().contains("--signing-key"), r.out());
    }

    @Test
    void withoutACommandPrintsTheCommands() {
        Result r = jobMain();
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("run") && r.out().contains("finetune"), r.out());
    }

    @Test
    void wrongUsageExitsWithTwo() {
        Result r = jobMain("run");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--model"), r.err());
    }

    @Test
    void aMissingSigningKeyIsAnErrorMessage(@TempDir Path dir) {
        Result r = jobMain("finetune", "--model", "m", "--signing-key", dir.resolve("missing.key").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("--signing-key") && r.err().contains("models keygen"), r.err());
    }

    @Test
    void theValueLevelTestIsOffUnlessAsked() {
        // off by default: on the demo it finds 24 of 36 anomalies instead of 30 (docs/RESULTS.md)
        assertFalse(parsedRun("--model", "m").alertPolicy().valueLevel());
        assertTrue(parsedRun("--model", "m", "--alert-value-level").alertPolicy().valueLevel());
        assertFalse(parsedRun("--model", "m", "--no-alert-value-level").alertPolicy().valueLevel());
    }

    @Test
    void theCalibrationWindowIsTheProductDefaultUnlessAskedAndTooShortAOneIsRefused() {
        assertEquals(AlertPolicy.defaults().window(), parsedRun("--model", "m").alertPolicy().window());
        assertEquals(8640, parsedRun("--model", "m", "--alert-window", "8640").alertPolicy().window());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parsedRun("--model", "m", "--alert-window", "100").alertPolicy());
        assertTrue(e.getMessage().startsWith("--alert-window must be at least") && e.getMessage().contains("256"),
                e.getMessage());
    }

    @Test
    void theScoreModeIsSigmaPointsUnlessAskedAndAnUnknownOneIsRefused() {
        assertEquals(ScoreMode.SIGMA_POINTS, parsedRun("--model", "m").scoreMode());
        assertEquals(ScoreMode.MONTE_CARLO, parsedRun("--model", "m", "--score-mode", "monte-carlo").scoreMode());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parsedRun("--model", "m", "--score-mode", "unscented").scoreMode());
        assertTrue(e.getMessage().contains("monte-carlo, sigma-points or mean-path"), e.getMessage());
    }

    @Test
    void aSeriesOutsideItsModelsRangeMovesItsFrameUnlessSwitchedOff() {
        assertEquals(LevelShift.defaults(), parsedRun("--model", "m").levelShift());
        assertEquals(new LevelShift(12, 5), parsedRun("--model", "m", "--level-shift", "12,5").levelShift());
        assertNull(parsedRun("--model", "m", "--level-shift", "off").levelShift());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parsedRun("--model", "m", "--level-shift", "8").levelShift());
        assertTrue(e.getMessage().startsWith("--level-shift: expected ROWS,STDS"), e.getMessage());
    }

    private static RunCommand parsedRun(String... args) {
        CommandLine cmd = JobMain.commandLine();
        String[] all = new String[args.length + 1];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        cmd.parseArgs(all);
        return cmd.getSubcommands().get("run").getCommand();
    }

    @Test
    void aBadAlertSettingIsAnErrorNamingItsOption() {
        Result r = jobMain("run", "--model", "m", "--alert-warmup-z", "0");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("--alert-warmup-z") && r.err().contains("warmUpZ must be a finite |z| > 0"),
                r.err());
    }
}
