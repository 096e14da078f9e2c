package io.odestream.job.forecast;

import io.odestream.classify.DepthClassifier;
import io.odestream.classify.OdeBlock;
import io.odestream.classify.RiskHead;
import io.odestream.classify.RiskHeadSpec;
import io.odestream.schema.ModelArtifact;
import java.util.Arrays;
import java.util.Map;

/** Risk heads for the job's tests: seeded parameters, what they predict is not the point. */
public final class RiskHeads {
    private RiskHeads() {
    }

    /** A {@code kind} head ({@link RiskHeadSpec#ODE_NET} or {@link RiskHeadSpec#RES_NET}) over {@code inputs} values. */
    public static ModelArtifact seeded(String kind, int inputs) {
        double[] mean = new double[inputs];
        double[] std = new double[inputs];
        Arrays.fill(std, 0.5);
        boolean ode = RiskHeadSpec.ODE_NET.equals(kind);
        RiskHeadSpec spec = new RiskHeadSpec(1, RiskHeadSpec.FILTER_HIDDEN, kind, inputs, 4, 0, 6, ode ? 0 : 2,
                1e-6, 1e-8, mean, std);
        DepthClassifier.Shape shape = new DepthClassifier.Shape(inputs, spec.width(), 2);
        DepthClassifier classifier = ode
                ? DepthClassifier.odeNet(shape, 0, spec.units(), spec.rtol(), spec.atol(), OdeBlock.Gradient.ADJOINT, 3L)
                : DepthClassifier.resNet(shape, spec.blocks(), spec.units(), 3L);
        return RiskHead.toArtifact(spec, classifier, "test-head", 1, Map.of(), Map.of());
    }
}
