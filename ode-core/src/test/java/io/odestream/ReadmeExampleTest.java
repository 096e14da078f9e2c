package io.odestream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.LatentOdeSpec;
import io.odestream.latent.Prediction;
import io.odestream.latent.Score;
import io.odestream.nn.Activation;
import io.odestream.nn.NeuralVectorField;
import io.odestream.ode.Solution;
import io.odestream.ode.adjoint.AdjointMethod;
import io.odestream.ode.adjoint.Gradients;
import io.odestream.ode.control.StepControl;
import io.odestream.ode.rk.DormandPrince54;
import io.odestream.ode.rk.RungeKuttaSolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The README's example of ode-core as a library compiles and runs: the code between the markers
 * below is the README's, line for line (the second test holds them together).
 */
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void theExampleRunsAndAnswersEveryQuestion() {
        // README:begin
        var field = NeuralVectorField.create(4, new int[] {32}, Activation.TANH, Activation.IDENTITY, false, 42);
        var solver = new RungeKuttaSolver(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build());
        double[] z0 = new double[2 * 4];                      // two rows of a 4-dimensional state
        Solution s = solver.solve(field, z0, 2, 0.0, new double[] {0.5, 1.0, 5.0});
        double[][] dLossDz = new double[2][3 * 4];            // dL/dz at each output time, per row
        Gradients g = new AdjointMethod(DormandPrince54.TABLEAU, StepControl.adaptive(1e-6, 1e-8).build(), true)
                .gradients(field, s, 0.0, dLossDz);

        var model = LatentOdeModel.create(LatentOdeSpec.of(1, 4, 16, new int[] {16}, new int[] {16}, 1000.0), 7);
        var filter = new LatentFilter(model, "example", 1);
        FilterState state = filter.update(filter.start(0L), 0L, new double[] {0.3}, null);
        Score surprise = filter.score(state, 1_000L, new double[] {5.0}, null, 16, 1L);  // before absorbing it
        state = filter.update(state, 1_000L, new double[] {5.0}, null);
        Prediction p = filter.predict(state, new long[] {2_000L, 60_000L}, 64, 2L);       // any future times
        // README:end

        assertEquals(3, s.outputCount(0));
        assertEquals(field.parameterCount(), g.parameters().length);
        assertTrue(Double.isFinite(surprise.negativeLogDensity()));
        assertEquals(2, p.times().length);
        assertTrue(Arrays.stream(p.mean()).flatMapToDouble(Arrays::stream).allMatch(Double::isFinite));
    }

    @Test
    void theReadmeShowsExactlyThisCode() throws IOException {
        String test = Files.readString(Path.of("src/test/java/io/odestream/ReadmeExampleTest.java"));
        String block = test.substring(test.indexOf("// README:begin") + "// README:begin".length(),
                test.indexOf("        // README:end"));
        String expected = block.lines().filter(l -> !l.isBlank()).map(String::strip)
                .reduce("", (a, b) -> a + b + "\n");
        String readme = Files.readString(README);
        String shown = readme.lines().map(String::strip).filter(l -> !l.isBlank()).reduce("", (a, b) -> a + b + "\n");
        assertTrue(shown.contains(expected), "README.md's 'Using ode-core as a library' must show the code of "
                + "theExampleRunsAndAnswersEveryQuestion between its README markers, line for line");
    }
}
