package io.odestream.cli.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The class path of the cluster's JobManager and TaskManagers: Flink's runtime as Maven resolved it
 * for this module (flink-dist is not on Maven Central), written at build time into the resource below
 * by the dependency plugin (app/pom.xml). What the job jar carries itself (the Kafka connector, Avro,
 * kafka-clients, odestream's classes) is left out, so that the job's classes come from the job jar as
 * on any Flink distribution, and a connector class Flink loads parent-first cannot meet a second copy.
 */
final class FlinkRuntimeClasspath {
    static final String RESOURCE = "flink-runtime.classpath";

    private FlinkRuntimeClasspath() {
    }

    static String read() {
        String text;
        try (InputStream in = FlinkRuntimeClasspath.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the build did not write " + RESOURCE + " next to "
                        + FlinkRuntimeClasspath.class.getName() + ": rebuild the app module");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Flink runtime class path", e);
        }
        List<String> missing = Stream.of(text.split(java.io.File.pathSeparator))
                .filter(jar -> !Files.isRegularFile(Path.of(jar))).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the Flink runtime jars this command line was built against are gone from "
                    + "the local Maven repository (" + missing.get(0) + (missing.size() > 1 ? " and " + (missing.size() - 1)
                    + " more" : "") + "): rebuild with `mvn -pl app -am package -DskipTests`");
        }
        return text;
    }
}
