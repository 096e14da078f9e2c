package io.odestream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kafka client security settings read from a properties file: {@code security.protocol},
 * {@code sasl.*} (mechanism, JAAS config with the user's name and password) and {@code ssl.*}
 * (trust store). Credentials belong in a file readable by their owner, named by an option or
 * an environment variable, never on a command line that {@code ps} shows. Any other key is
 * refused with its name, so a typo is not silently ignored; values are never echoed.
 */
public final class KafkaClientConfigFile {
    private KafkaClientConfigFile() {}

    private static final Set<String> PREFIXES = Set.of("security.", "sasl.", "ssl.");

    public static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new KafkaAccessException("cannot read the Kafka client configuration " + file + ": " + e
                    + "; give a readable properties file (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.*)", e);
        }
        Set<String> unknown = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (PREFIXES.stream().noneMatch(key::startsWith)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new KafkaAccessException("the Kafka client configuration " + file + " has key(s) " + unknown
                    + " that are not security settings; it may hold only security.*, sasl.* and ssl.* keys"
                    + " (bootstrap servers and the topic prefix are options)");
        }
        return p;
    }
}
