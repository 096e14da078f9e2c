package io.odestream.job.finetune;

import io.odestream.job.deploy.ModelDeployment;
import io.odestream.schema.ModelArtifact;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Serves the last deployed artifact; a plain list, so the test can read what was deployed. */
final class InMemoryDeployment implements ModelDeployment, java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final List<ModelArtifact> deployed = new ArrayList<>();
    int servingReads;
    private final ModelArtifact initial;

    InMemoryDeployment(ModelArtifact initial) {
        this.initial = initial;
    }

    @Override
    public Optional<ModelArtifact> serving() {
        servingReads++;
        return deployed.isEmpty() ? Optional.ofNullable(initial) : Optional.of(deployed.get(deployed.size() - 1));
    }

    @Override
    public long nextVersion() {
        return serving().map(a -> a.getVersion() + 1).orElse(1L);
    }

    @Override
    public String deploy(ModelArtifact candidate, String reason) {
        deployed.add(candidate);
        return "deployed v" + candidate.getVersion();
    }

    @Override
    public void close() {
    }
}
