package io.odestream.cli;

import static io.odestream.cli.OdestreamCliIT.odestream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.cli.OdestreamCliIT.Run;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code odestream demo}, through the command line: its own embedded
 * broker, a Flink MiniCluster, the job, the summary. A class of its own so that no other broker runs
 * beside the demo's.
 */
class DemoCommandIT {

    @Test
    void theDemoRunsTheStreamingJobOnItsOwnBrokerAndEndsWithASummary() {
        Run demo = odestream("demo", "--series", "2", "--minutes", "6", "--no-dashboard"); // DashboardBrowserIT has it
        assertEquals(0, demo.exit(), demo.err());
        assertTrue(demo.out().contains("Running the job (parallelism 2)"), demo.out());
        assertTrue(demo.out().contains("FORECAST sensor-"), demo.out());
        assertTrue(demo.out().contains("8 of 8 requests answered"), "2 series x 4 as-of times: " + demo.out());
        assertTrue(demo.out().matches("(?s).*anomaly alerts +\\d+: \\d+ of 6 injected anomalies found.*"), demo.out());
        assertTrue(demo.out().contains("(last observed value:"), demo.out());
    }

    @Test
    void theDemoRefusesAStreamTooShortForItsAnomalies() {
        Run demo = odestream("demo", "--minutes", "4");
        assertEquals(1, demo.exit());
        assertTrue(demo.err().contains("--minutes >= 6"), demo.err());
    }
}
