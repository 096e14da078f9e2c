package io.odestream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.broker.testing.KafkaBrokerExtension;
import io.odestream.model.ModelArtifacts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line through picocli's execute, against one real broker; each test its own topic prefix. */
class OdestreamCliIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one command. */
    record Run(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static Run odestream(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Odestream.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String[] kafka(String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", KAFKA.bootstrapServers(), "--topic-prefix", prefix));
        return all.toArray(String[]::new);
    }

    @Test
    void fineTuningNeedsAnExistingSigningKey() {
        Run run = odestream("finetune", "--model", "m", "--signing-key", dir.resolve("missing.key").toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("--signing-key") && run.err().contains("models keygen"), run.err());
    }

    @Test
    void produceALongCsvThenTailItAsJsonLines() throws Exception {
        Run topics = odestream(kafka("long-", "topics", "create", "--partitions", "2"));
        assertEquals(0, topics.exit(), topics.err());
        assertTrue(topics.out().contains("long-observations"), topics.out());

        Path csv = Files.writeString(dir.resolve("sensors.csv"), String.join("\n",
                "series_id,timestamp,channel,value",
                "s1,2024-01-01T00:00:00Z,temp,20.5",
                "s1,2024-01-01T00:00:00Z,hum,0.4",
                "s1,2024-01-01T00:01:00Z,hum,0.5",
                "s1,not-a-time,hum,0.6",
                "s1,1704067320000,temp,21",
                ""));
        Run produce = odestream(kafka("long-", "produce", "--csv", csv.toString(), "--no-progress", "--speedup", "max"));
        assertEquals(0, produce.exit(), produce.err());
        assertTrue(produce.out().contains("sent 3 observations from 5 rows"), produce.out());
        assertTrue(produce.out().contains("1 rows skipped"), produce.out());
        assertTrue(produce.err().contains("sensors.csv:5: timestamp 'not-a-time'"), produce.err());

        Run tail = odestream(kafka("long-", "tail", "long-observations", "--from-beginning", "--max", "3"));
        assertEquals(0, tail.exit(), tail.err());
        assertEquals(List.of(
                "{\"seriesId\":\"s1\",\"eventTime\":1704067200000,\"values\":[{\"double\":20.5},{\"double\":0.4}],"
                        + "\"channels\":{\"array\":[\"temp\",\"hum\"]},\"tags\":null}",
                "{\"seriesId\":\"s1\",\"eventTime\":1704067260000,\"values\":[null,{\"double\":0.5}],"
                        + "\"channels\":{\"array\":[\"temp\",\"hum\"]},\"tags\":null}",
                "{\"seriesId\":\"s1\",\"eventTime\":1704067320000,\"values\":[{\"double\":21.0},null],"
                        + "\"channels\":{\"array\":[\"temp\",\"hum\"]},\"tags\":null}"),
                tail.outLines(), "one key, so one partition, so file order");
    }

    @Test
    void produceAWideCsvAtASpeedupAndTailStopsWhenIdle() throws Exception {
        Path csv = Files.writeString(dir.resolve("wide.csv"), String.join("\n",
                "series_id,timestamp,a,b",
                "x,1000,1,",
                "x,1200,,2",
                "y,1400,3,4",
                ""));
        // 400 ms of event time at speedup 2: about 0.2 s of pacing
        Run produce = odestream(kafka("wide-", "produce", "--csv", csv.toString(), "--no-progress",
                "--speedup", "2", "--topic", "wide-in"));
        assertEquals(0, produce.exit(), produce.err());
        assertTrue(produce.out().contains("sent 3 observations") && produce.out().contains("wide layout"), produce.out());

        Run tail = odestream(kafka("wide-", "tail", "wide-in", "--type", "Observation", "--from-beginning",
                "--idle-timeout", "PT3S"));
        assertEquals(0, tail.exit(), tail.err());
        assertEquals(3, tail.outLines().size(), tail.out());
        assertTrue(tail.out().contains("\"seriesId\":\"y\",\"eventTime\":1400,\"values\":[{\"double\":3.0},{\"double\":4.0}]"),
                tail.out());
    }

    @Test
    void errorsNameTheInputAndExitNonZero() {
        Run missing = odestream(kafka("err-", "produce", "--csv", dir.resolve("nope.csv").toString(), "--no-progress"));
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("nope.csv does not exist"), missing.err());

        Run unknownTopic = odestream(kafka("err-", "tail", "whatever"));
        assertEquals(1, unknownTopic.exit());
        assertTrue(unknownTopic.err().contains("not an odestream topic") && unknownTopic.err().contains("--type"),
                unknownTopic.err());

        Run usage = odestream("produce");
        assertEquals(2, usage.exit(), "missing --csv is a usage error");
        assertTrue(usage.err().contains("--csv"), usage.err());

        Run badSpeed = odestream(kafka("err-", "produce", "--csv", "x.csv", "--speedup", "fast"));
        assertEquals(1, badSpeed.exit());
        assertTrue(badSpeed.err().contains("--speedup 'fast' is not valid"), badSpeed.err());
    }

    /** The held-out forecast metrics a trained or fine-tuned artifact carries (ForecastMetrics' keys). */
    private static final Map<String, Double> HELD_OUT = Map.of("heldout_nll_per_obs", 1.23456, "heldout_mae",
            0.308123, "heldout_coverage_90", 0.9012, "heldout_observations", 48.0);

    @Test
    void modelsKeygenPublishListPromoteRollback() throws Exception {
        Path keys = dir.resolve("keys");
        Run keygen = odestream("models", "keygen", "--out", keys.toString(), "--name", "ci");
        assertEquals(0, keygen.exit(), keygen.err());
        assertTrue(keygen.out().startsWith("key id ed25519:"), keygen.out());

        for (long v = 1; v <= 3; v++) {
            Path file = dir.resolve("m" + v + ".avro");
            ModelArtifacts.write(ModelArtifacts.create("sensors", v, v == 1 ? null : v - 1, "neural-vector-field",
                    "{\"specVersion\":1}", new double[] {v, -v}, v == 3 ? HELD_OUT : Map.of("val_nll", 3.0 - v),
                    Map.of()), file);
            Run publish = odestream(kafka("m-", "models", "publish", file.toString(),
                    "--signing-key", keys.resolve("ci.key").toString(), "--keys", keys.toString()));
            assertEquals(0, publish.exit(), publish.err());
            assertTrue(publish.out().contains("published model sensors version " + v), publish.out());
        }
        assertEquals(0, odestream(kafka("m-", "models", "promote", "2", "--keys", keys.toString())).exit());
        assertEquals(0, odestream(kafka("m-", "models", "promote", "3", "--keys", keys.toString(), "--reason", "best")).exit());
        Run rollback = odestream(kafka("m-", "models", "rollback", "--keys", keys.toString()));
        assertEquals(0, rollback.exit(), rollback.err());
        assertTrue(rollback.out().contains("rolled back to version 2"), rollback.out());

        Run list = odestream(kafka("m-", "models", "list", "--keys", keys.toString()));
        assertEquals(0, list.exit(), list.err());
        assertTrue(list.out().contains("model sensors (serving version 2)"), list.out());
        assertTrue(list.out().contains("PROMOTED 3 (was 2)  best"), list.out());
        assertTrue(list.out().contains("ROLLED_BACK 2 (was 3)"), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.matches(
                "\\s+\\*\\s+2\\s+1\\s.*not comparable \\(val_nll=1\\.000\\)")), "an artifact without the held-out "
                + "forecast metrics is listed as not comparable, its own metrics rounded: " + list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("\\s+3\\s+2\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"
                + "\\s+1\\.235\\s+0\\.3081\\s+0\\.90\\s+\\p{XDigit}{12}")), "NLL/obs, MAE, cov90 rounded in columns, "
                + "the time to the second: " + list.out());

        Run json = odestream(kafka("m-", "models", "list", "--json", "--keys", keys.toString()));
        assertEquals(0, json.exit(), json.err());
        var model = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).get("models").get(0);
        assertEquals(2, model.get("servingVersion").asLong());
        assertEquals("ROLLED_BACK", model.get("pinnedBy").asText());
        assertEquals(3, model.get("versions").size());
        assertFalse(model.get("versions").get(0).get("comparable").asBoolean());
        assertTrue(model.get("versions").get(2).get("comparable").asBoolean());
        assertEquals(0.308123, model.get("versions").get(2).get("metrics").get("heldout_mae").asDouble(),
                "full precision for machines");
        assertEquals("ROLLED_BACK", model.get("history").get(2).get("action").asText());

        Run show = odestream(kafka("m-", "models", "show", "serving", "--keys", keys.toString()));
        assertEquals(0, show.exit(), show.err());
        assertTrue(show.out().contains("version     2") && show.out().contains("parent      1"), show.out());

        // a reader that trusts a different key sees nothing it may serve, and says why
        Path otherKeys = dir.resolve("other");
        assertEquals(0, odestream("models", "keygen", "--out", otherKeys.toString()).exit());
        Run untrusted = odestream(kafka("m-", "models", "list", "--keys", otherKeys.toString()));
        assertEquals(0, untrusted.exit());
        assertTrue(untrusted.err().contains("UNKNOWN_KEY"), untrusted.err());
        Run promoteUntrusted = odestream(kafka("m-", "models", "promote", "1", "--model", "sensors",
                "--keys", otherKeys.toString()));
        assertEquals(1, promoteUntrusted.exit());
        assertTrue(promoteUntrusted.err().contains("no verified version 1"), promoteUntrusted.err());

        Run noKeys = odestream(kafka("m-", "models", "list", "--keys", dir.resolve("absent").toString()));
        assertEquals(1, noKeys.exit());
        assertTrue(noKeys.err().contains("models keygen"), noKeys.err());
    }

    @Test
    void anOfflineRetrainJoinsItsLineageAndARollbackStaysPinnedUntilReleased() throws Exception {
        Path keys = dir.resolve("keys");
        assertEquals(0, odestream("models", "keygen", "--out", keys.toString(), "--name", "ci").exit());
        String key = keys.resolve("ci.key").toString();
        for (int round = 1; round <= 3; round++) {
            // `train` writes version 1 every time: each retrain must become the next version
            Path file = dir.resolve("train-" + round + ".avro");
            ModelArtifacts.write(ModelArtifacts.create("sensors", 1, null, "neural-vector-field",
                    "{\"specVersion\":1}", new double[] {round, -round}, Map.of("val_nll", 1.0), Map.of()), file);
            List<String> args = new ArrayList<>(List.of("models", "publish", file.toString(), "--signing-key", key,
                    "--keys", keys.toString()));
            if (round == 3) {
                args.addAll(List.of("--parent", "1"));
            }
            Run publish = odestream(kafka("lin-", args.toArray(String[]::new)));
            assertEquals(0, publish.exit(), publish.err());
            assertTrue(publish.out().startsWith("published model sensors version " + round + " (parent "
                    + (round == 3 ? "1" : "none") + ", from " + file + ")"), publish.out());
        }
        Run again = odestream(kafka("lin-", "models", "publish", dir.resolve("train-2.avro").toString(),
                "--signing-key", key, "--keys", keys.toString()));
        assertTrue(again.out().contains("version 2 has this content already"), again.out());
        Run show = odestream(kafka("lin-", "models", "show", "3", "--keys", keys.toString()));
        assertTrue(show.out().contains("published.from=" + dir.resolve("train-3.avro"))
                && show.out().contains("published.sourceVersion=1"), show.out());

        assertEquals(0, odestream(kafka("lin-", "models", "promote", "1", "--keys", keys.toString())).exit());
        assertEquals(0, odestream(kafka("lin-", "models", "promote", "2", "--keys", keys.toString())).exit());
        Run rollback = odestream(kafka("lin-", "models", "rollback", "--keys", keys.toString(), "--by", "alice",
                "--reason", "drift"));
        assertEquals("model sensors rolled back to version 1 (pinned until `odestream models release`)",
                rollback.out().strip());
        Run pinned = odestream(kafka("lin-", "models", "list", "--keys", keys.toString()));
        assertTrue(pinned.out().contains("model sensors (serving version 1) pinned by ROLLED_BACK"), pinned.out());
        assertTrue(pinned.out().contains("ROLLED_BACK 1 (was 2)  drift  [alice]"), pinned.out());

        Run release = odestream(kafka("lin-", "models", "release", "--keys", keys.toString(), "--by", "alice"));
        assertEquals(0, release.exit(), release.err());
        Run notPinned = odestream(kafka("lin-", "models", "release", "--keys", keys.toString()));
        assertEquals(1, notPinned.exit());
        assertTrue(notPinned.err().contains("nothing to release"), notPinned.err());
        Run hold = odestream(kafka("lin-", "models", "hold", "--keys", keys.toString(), "--reason", "maintenance"));
        assertEquals("model sensors held at version 1 (pinned until `odestream models release`)", hold.out().strip());
    }
}
