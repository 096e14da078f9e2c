package io.odestream.job.finetune;

import io.odestream.finetune.FineTuneRound;
import io.odestream.job.deploy.ModelDeployment;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a fine-tuning round ends, for the single trainer and the data-parallel combiner alike: each
 * outcome counted (metrics {@code fineTunePublished}, {@code fineTuneRejected},
 * {@code fineTuneSkipped}) and said in one line; a candidate that passed its check deployed.
 */
final class RoundOutcomes {
    private static final Logger LOG = LoggerFactory.getLogger(RoundOutcomes.class);
    private final Counter published;
    private final Counter rejected;
    private final Counter skipped;

    RoundOutcomes(MetricGroup metrics) {
        published = metrics.counter("fineTunePublished");
        rejected = metrics.counter("fineTuneRejected");
        skipped = metrics.counter("fineTuneSkipped");
    }

    /** The round's line, as the trainer and the combiner emit and log it. */
    static String report(long round, String outcome) {
        String text = "fine-tune round " + round + ": " + outcome;
        LOG.info(text);
        return text;
    }

    /** A round's line as the job prints it: with the wall-clock time it was decided, to the second. */
    static String stamped(String line) {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + line;
    }

    /** Nothing trained or judged this round; the windows are kept for the next. */
    String skip(String why) {
        skipped.inc();
        return "SKIP: " + why;
    }

    String reject(String why) {
        rejected.inc();
        return "REJECT: " + why;
    }

    /** Deploys the round's candidate if its check passed, otherwise rejects it; {@code details} end the line. */
    String conclude(FineTuneRound.Result result, ModelDeployment deployment, String details) {
        if (result.decision() != FineTuneRound.Decision.PUBLISH) {
            return reject(result.reason() + details);
        }
        try {
            String done = deployment.deploy(result.candidate().orElseThrow(), result.reason());
            published.inc();
            return "PUBLISH: " + done + ": " + result.reason() + details;
        } catch (RuntimeException e) {
            return reject("the candidate passed but could not be deployed: " + e.getMessage() + details);
        }
    }
}
