package io.odestream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/** The repository's deployment files and the jars the build writes, as the tests of deploy/ read them. */
final class RepositoryFiles {
    /** The repository root: tests run in the module's directory. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern SHADED_JAR = Pattern.compile("<outputFile>\\$\\{project\\.build\\.directory}/([^<]+\\.jar)</outputFile>");

    private RepositoryFiles() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative).normalize();
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every YAML document of the file, anchors, aliases and merge keys resolved. */
    static List<Map<String, Object>> yamlDocuments(String relative) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(read(relative))) {
            if (document != null) {
                documents.add(map(document, relative));
            }
        }
        return documents;
    }

    static Map<String, Object> yaml(String relative) {
        List<Map<String, Object>> documents = yamlDocuments(relative);
        if (documents.size() != 1) {
            throw new AssertionError(relative + " holds " + documents.size() + " YAML documents, expected one");
        }
        return documents.get(0);
    }

    /**
     * The jars the build writes, as repository paths (module/target/NAME.jar): the shade plugin's
     * outputFile in each module's pom.
     */
    static Set<String> builtJars() {
        Set<String> jars = new TreeSet<>();
        Matcher modules = MODULE.matcher(read("pom.xml"));
        while (modules.find()) {
            String module = modules.group(1);
            Matcher jar = SHADED_JAR.matcher(read(module + "/pom.xml"));
            while (jar.find()) {
                jars.add(module + "/target/" + jar.group(1));
            }
        }
        return jars;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, String where) {
        if (!(node instanceof Map)) {
            throw new AssertionError(where + " is not a mapping: " + node);
        }
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, String where) {
        if (!(node instanceof List)) {
            throw new AssertionError(where + " is not a list: " + node);
        }
        return (List<Object>) node;
    }
}
