package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.cli.EvalNabCommandTest.Run;
import io.odestream.kafka.KafkaSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code odestream dashboard}'s refusals: each one line that says what to do, before anything is served. */
class DashboardCommandTest {

    @Test
    void aPortOutOfRangeIsRefused() {
        Run run = EvalNabCommandTest.odestream("dashboard", "--port", "70000");
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().contains("--port 70000 is not a port (0 to 65535)"), run.err());
    }

    @Test
    void noBrokerIsNamedWithinSeconds() {
        Run run = EvalNabCommandTest.odestream("dashboard", "--bootstrap-servers", "127.0.0.1:1", "--port", "0");
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().contains("127.0.0.1:1"), "names the broker it could not reach: " + run.err());
    }

    @Test
    void aPortInUseSaysSoAndHowToChooseAnother() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            KafkaSettings unused = KafkaSettings.builder("127.0.0.1:1").build(); // the server starts first and fails
            CommandFailedException e = assertThrows(CommandFailedException.class,
                    () -> DashboardLauncher.start(unused, "127.0.0.1", busy.getLocalPort()));
            assertTrue(e.getMessage().startsWith("cannot serve the dashboard on 127.0.0.1:" + busy.getLocalPort()),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("choose another port (0: any free one)"), e.getMessage());
        }
    }
}
