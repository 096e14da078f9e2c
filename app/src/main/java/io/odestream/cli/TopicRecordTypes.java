package io.odestream.cli;

import io.odestream.kafka.OdeTopic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Which Avro record type a topic carries, from the naming convention: {@code prefix +} an
 * {@link OdeTopic} default name, or the registry's serving topic.
 */
final class TopicRecordTypes {
    private TopicRecordTypes() {
    }

    static Class<? extends SpecificRecord> of(String topic, String prefix) {
        Map<String, Class<? extends SpecificRecord>> known = known(prefix);
        Class<? extends SpecificRecord> type = known.get(topic);
        if (type == null) {
            throw new CommandFailedException("topic '" + topic + "' is not an odestream topic (known with prefix '"
                    + prefix + "': " + String.join(", ", known.keySet()) + "); name one of them, set --topic-prefix, "
                    + "or give the record type with --type (" + String.join(", ", simpleNames()) + ")");
        }
        return type;
    }

    static Class<? extends SpecificRecord> bySimpleName(String name) {
        for (Class<? extends SpecificRecord> type : known("").values()) {
            if (type.getSimpleName().equalsIgnoreCase(name)) {
                return type;
            }
        }
        throw new CommandFailedException("--type '" + name + "' is not an odestream record type; use one of "
                + String.join(", ", simpleNames()));
    }

    private static Map<String, Class<? extends SpecificRecord>> known(String prefix) {
        Map<String, Class<? extends SpecificRecord>> map = new LinkedHashMap<>();
        for (OdeTopic t : OdeTopic.values()) {
            map.put(t.name(prefix), t.recordType());
        }
        return map;
    }

    private static List<String> simpleNames() {
        List<String> names = new ArrayList<>();
        known("").values().stream().map(Class::getSimpleName).distinct().forEach(names::add);
        return names;
    }
}
