package io.odestream.dashboard;

import io.odestream.kafka.KafkaSettings;
import io.odestream.kafka.OdeTopic;
import io.odestream.kafka.TopicFollower;
import io.odestream.schema.AnomalyAlert;
import io.odestream.schema.DeadLetter;
import io.odestream.schema.Forecast;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import io.odestream.schema.RegistryServing;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds a {@link DashboardModel} from Kafka: one {@link TopicFollower} (read_committed, from the
 * beginning, the project's Avro serde) per topic the page shows — observations, forecasts, alerts,
 * late observations, dead letters, models and the registry's serving pointer. A record that cannot
 * be decoded is counted and named on the page, never dropped silently.
 */
public final class DashboardFeed implements AutoCloseable {
    private final List<TopicFollower<?>> followers = new ArrayList<>();

    public DashboardFeed(KafkaSettings kafka, DashboardModel model) {
        followers.add(new TopicFollower<>(kafka, OdeTopic.OBSERVATIONS, Observation.class, model::observation,
                model::problem));
        followers.add(new TopicFollower<>(kafka, OdeTopic.FORECASTS, Forecast.class, model::forecast, model::problem));
        followers.add(new TopicFollower<>(kafka, OdeTopic.ALERTS, AnomalyAlert.class, model::alert, model::problem));
        followers.add(new TopicFollower<>(kafka, OdeTopic.LATE_OBSERVATIONS, Observation.class, model::late,
                model::problem));
        followers.add(new TopicFollower<>(kafka, OdeTopic.DEAD_LETTERS, DeadLetter.class, d -> model.deadLetter(),
                model::problem));
        followers.add(new TopicFollower<>(kafka, OdeTopic.MODELS, ModelArtifact.class, model::artifact, model::problem));
        followers.add(new TopicFollower<>(kafka, OdeTopic.MODEL_SERVING, RegistryServing.class, model::serving,
                model::problem));
    }

    /** Records decoded so far, all topics together. */
    public long received() {
        long sum = 0;
        for (TopicFollower<?> f : followers) {
            sum += f.received();
        }
        return sum;
    }

    @Override
    public void close() throws InterruptedException {
        for (TopicFollower<?> f : followers) {
            f.close();
        }
    }
}
