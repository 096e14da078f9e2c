package io.odestream.job.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.broker.testing.SecuredKafka;
import io.odestream.registry.SigningKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run} against a broker with SASL/SCRAM over TLS and ACLs, its credentials in the file
 * --kafka-config names: a wrong password and a missing ACL end the command in seconds with
 * exit code 1 and one line saying what to change, before any job is built; no password is
 * printed.
 */
class RunCommandSecurityIT {

    private static final String PREFIX = "run-";
    private static final String USER = "forecast-job";
    private static final String PASSWORD = SecuredKafka.secret();

    @TempDir
    static Path dir;

    private static SecuredKafka kafka;
    private static Path keys;

    @BeforeAll
    static void securedBroker() throws Exception {
        kafka = SecuredKafka.start(dir);
        kafka.adminWithTopics(PREFIX);
        kafka.addUser(USER, PASSWORD);
        // reads its inputs, but may write none of its outputs
        for (String input : new String[] {"observations", "forecast-requests", "models", "model-serving"}) {
            kafka.allow(USER, ResourceType.TOPIC, PREFIX + input, PatternType.LITERAL, AclOperation.READ);
        }
        keys = Files.createDirectories(dir.resolve("keys"));
        SigningKeys.write(SigningKeys.generate(), keys, "publisher");
        Thread.sleep(1_000); // the credentials and ACLs reach the broker through its metadata log
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aWrongPasswordEndsRunInSecondsNamingTheUserAndNotThePassword() throws Exception {
        long started = System.nanoTime();
        Result r = run(kafka.clientConfig(USER, "not-" + PASSWORD));
        assertEquals(1, r.exit(), r.err());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 20, "fails fast");
        assertTrue(r.err().contains("refused the credentials of user '" + USER + "'"), r.err());
        assertFalse(r.err().contains(PASSWORD) || r.out().contains(PASSWORD), "no password is printed");
    }

    @Test
    void aMissingAclEndsRunNamingEveryPermissionToGrant() throws Exception {
        Result r = run(kafka.clientConfig(USER, PASSWORD));
        assertEquals(1, r.exit(), r.err());
        for (String output : new String[] {"forecasts", "alerts", "late-observations", "dead-letters"}) {
            assertTrue(r.err().contains("WRITE topic '" + PREFIX + output + "'"), r.err());
        }
        assertFalse(r.err().contains("READ topic"), "what it may do is not listed: " + r.err());
        assertFalse(r.err().contains(PASSWORD) || r.err().contains(kafka.storePassword()), "no secret is printed");
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(Path kafkaConfig) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = JobMain.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute("run", "--bootstrap-servers", kafka.secureBootstrapServers(), "--topic-prefix", PREFIX,
                "--kafka-config", kafkaConfig.toString(), "--model", "m", "--keys", keys.toString());
        return new Result(exit, out.toString(), err.toString());
    }
}
