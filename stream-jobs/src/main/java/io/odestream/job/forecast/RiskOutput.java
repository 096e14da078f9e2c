package io.odestream.job.forecast;

import io.odestream.classify.RiskHead;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import java.nio.file.Path;

/**
 * The job's optional risk output ({@code run --risk-head PATH --risk-topic TOPIC}): the head that
 * scores each series' hidden state and the topic its {@code RiskScore}s go to. The artifact travels
 * with the job graph; it is read and checked here, when the job is built, so a missing, corrupt or
 * foreign file stops the job before it starts.
 */
public record RiskOutput(ModelArtifact head, String topic) {

    public RiskOutput {
        if (head == null) {
            throw new IllegalArgumentException("the risk output needs a risk head");
        }
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("the risk output needs a topic (--risk-topic)");
        }
        RiskHead.load(head);
    }

    /** The head in {@code file} (written by {@code odestream eval mortality --save-head}), checked. */
    public static RiskOutput read(Path file, String topic) {
        return new RiskOutput(ModelArtifacts.read(file), topic);
    }
}
