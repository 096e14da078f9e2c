package io.odestream.schema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * Every released version of every topic schema, kept as data: the {@code .avsc} files listed in
 * each {@value #INDEX} resource on the class path (this module ships the versions it released;
 * a jar or directory added to a job's class path can add versions released after the job was
 * built). A record on a topic names its writer's schema by its CRC-64-AVRO fingerprint (Avro
 * single-object encoding); this is where a reader finds that schema to resolve it against its own.
 *
 * <p>Immutable and thread-safe once loaded.
 */
public final class ReleasedSchemas {

    /**
     * Class-path resource listing released schema files, one a line: the file name, relative to
     * the index, and the fingerprint it was released with, in hex ({@code #} starts a comment).
     */
    public static final String INDEX = "io/odestream/schema/released/index";

    /** A released schema and where it came from. */
    public record Release(Schema schema, String source, long fingerprint) {

        /** The fingerprint in hex, most significant byte first (a single-object header holds its 8 bytes little-endian). */
        public String fingerprintHex() {
            return String.format("%016x", fingerprint);
        }
    }

    private static volatile ReleasedSchemas onClassPath;

    private final Map<Long, Release> byFingerprint;

    private ReleasedSchemas(Map<Long, Release> byFingerprint) {
        this.byFingerprint = Collections.unmodifiableMap(byFingerprint);
    }

    /** The released versions on this class's class path, loaded once. */
    public static ReleasedSchemas onClassPath() {
        ReleasedSchemas loaded = onClassPath;
        if (loaded == null) {
            synchronized (ReleasedSchemas.class) {
                if (onClassPath == null) {
                    onClassPath = load(ReleasedSchemas.class.getClassLoader());
                }
                loaded = onClassPath;
            }
        }
        return loaded;
    }

    /**
     * Reads every {@value #INDEX} that {@code loader} sees; a schema listed twice is kept once.
     *
     * @throws IllegalStateException if a listed file's schema no longer has the fingerprint it
     *     was released with
     */
    public static ReleasedSchemas load(ClassLoader loader) {
        Map<Long, Release> releases = new LinkedHashMap<>();
        try {
            Enumeration<URL> indexes = loader.getResources(INDEX);
            while (indexes.hasMoreElements()) {
                URL index = indexes.nextElement();
                for (String line : lines(index)) {
                    String[] fileAndFingerprint = line.split("\\s+");
                    if (fileAndFingerprint.length != 2) {
                        throw new IllegalStateException(index + ": expected '<file> <fingerprint>', found '" + line + "'");
                    }
                    URL url = new URL(index, fileAndFingerprint[0]); // relative to its index, in a jar or a directory
                    Schema schema;
                    try (InputStream in = url.openStream()) {
                        schema = new Schema.Parser().parse(in);
                    }
                    long fingerprint = fingerprint(schema);
                    if (fingerprint != Long.parseUnsignedLong(fileAndFingerprint[1], 16)) {
                        throw new IllegalStateException(url + " was released with fingerprint " + fileAndFingerprint[1]
                                + " but its schema now has " + String.format("%016x", fingerprint)
                                + ": a released schema is never edited; release the change as a new version");
                    }
                    releases.putIfAbsent(fingerprint, new Release(schema, url.toString(), fingerprint));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the released schemas listed in " + INDEX, e);
        }
        return new ReleasedSchemas(releases);
    }

    private static List<String> lines(URL index) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String content = line.strip();
                if (!content.isEmpty() && !content.startsWith("#")) {
                    lines.add(content);
                }
            }
        }
        return lines;
    }

    /** Every released version of the record type {@code fullName}, in the order found. */
    public List<Release> versionsOf(String fullName) {
        return byFingerprint.values().stream().filter(r -> r.schema().getFullName().equals(fullName)).toList();
    }

    /** The release with this fingerprint, of any type. */
    public Optional<Release> find(long fingerprint) {
        return Optional.ofNullable(byFingerprint.get(fingerprint));
    }

    /** Every release of every type. */
    public List<Release> all() {
        return List.copyOf(byFingerprint.values());
    }

    /**
     * The resolver a reader of {@code reader} decodes with: the released versions of that type
     * only, so a record of another type (a foreign schema on the topic) is not resolved against
     * it. Fails if a released version cannot be read with {@code reader} under Avro's resolution
     * rules, the rules {@code SchemaEvolutionTest} holds every schema change to: a build that
     * could not read a version still in use must not start.
     */
    public SchemaStore storeFor(Schema reader) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (Release release : versionsOf(reader.getFullName())) {
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(reader, release.schema());
            if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new IllegalStateException("the released schema " + release.source() + " (fingerprint "
                        + release.fingerprintHex() + ") cannot be read as this build's " + reader.getFullName()
                        + ": " + compatibility.getDescription());
            }
            store.addSchema(release.schema());
        }
        return store;
    }

    /** The CRC-64-AVRO fingerprint of the schema's Parsing Canonical Form, as single-object headers carry it. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
