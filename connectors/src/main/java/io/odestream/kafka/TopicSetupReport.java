package io.odestream.kafka;

import java.util.List;

/**
 * What {@link TopicSetup#ensure} did: topics created, topics that were already there as
 * specified, and problems (a topic that exists differently from its spec, or could not be
 * created), each a sentence naming the topic and what to do.
 */
public record TopicSetupReport(List<String> created, List<String> alreadyPresent, List<String> problems) {
    public TopicSetupReport {
        created = List.copyOf(created);
        alreadyPresent = List.copyOf(alreadyPresent);
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }
}
