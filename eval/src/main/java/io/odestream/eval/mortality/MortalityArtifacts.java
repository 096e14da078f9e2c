package io.odestream.eval.mortality;

import io.odestream.classify.DepthClassifier;
import io.odestream.classify.RiskHead;
import io.odestream.classify.RiskHeadSpec;
import io.odestream.eval.physionet.MinMaxNormalisation;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code eval mortality --save-head DIR} writes, so that the forecasting job can serve the risk
 * score: the latent ODE whose filter produced the heads' inputs ({@value #MODEL_FILE}, model id
 * {@value #MODEL_ID}, reading raw PhysioNet values by channel name) and every trained head
 * ({@code risk-head-<head>-<cutoff>.avro}), each a checksummed artifact.
 */
public final class MortalityArtifacts implements MortalityTable.Export {
    public static final String MODEL_ID = "physionet-mortality-latent-ode";
    public static final String MODEL_FILE = "latent-ode.avro";

    private final Path dir;
    private final List<String> channelNames;

    public MortalityArtifacts(Path dir, List<String> channelNames) {
        this.dir = dir;
        this.channelNames = List.copyOf(channelNames);
    }

    /**
     * The model as the job serves it: the table trains on min-max scaled values and the spec's own
     * z-scoring sits on top; both fold into one z-scoring of the raw values,
     * {@code (x - (min + μ·range)) / (σ·range)}, so producers send what the ICU measured.
     */
    @Override
    public void model(LatentOdeModel model, MinMaxNormalisation scaling) {
        LatentOdeSpec spec = model.spec();
        double[] min = scaling.min();
        double[] max = scaling.max();
        double[] mean = spec.channelMean().clone();
        double[] std = spec.channelStd().clone();
        for (int j = 0; j < mean.length; j++) {
            double range = max[j] > min[j] ? max[j] - min[j] : 1.0; // as MinMaxNormalisation.apply
            mean[j] = min[j] + mean[j] * range;
            std[j] = std[j] * range;
        }
        LatentOdeSpec raw = spec.withNormalisation(mean, std).withChannelNames(channelNames);
        write(ModelArtifacts.create(MODEL_ID, 1, null, LatentOdeSpec.MODEL_TYPE, raw.toJson(),
                model.parameters().values().clone(), Map.of(), Map.of("trainedBy", "odestream eval mortality")),
                MODEL_FILE);
    }

    @Override
    public void head(String name, String cutoff, RiskHeadSpec spec, DepthClassifier classifier, double auc) {
        String slug = (name + "-" + cutoff).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-|-$", "");
        write(RiskHead.toArtifact(spec, classifier, "mortality-" + slug, 1, Map.of("auc", auc),
                Map.of("model", MODEL_ID + "/1", "cutoff", cutoff)), "risk-head-" + slug + ".avro");
    }

    private void write(ModelArtifact artifact, String file) {
        try {
            ModelArtifacts.write(artifact, dir.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(file), e);
        }
    }
}
