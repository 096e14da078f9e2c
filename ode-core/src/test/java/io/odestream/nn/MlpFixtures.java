package io.odestream.nn;

import java.util.Random;

/** What the MLP kernel tests build their cases from: seeded parameters and layer sizes written as text. */
final class MlpFixtures {
    private MlpFixtures() {
    }

    /**
     * Parameters of {@code spec} under the prefix {@code mlp}: the MLP's own seeded initialisation, then
     * non-zero biases (zero biases would hide a bias lost in a kernel's padding or added twice).
     */
    static Parameters parametersFor(MlpSpec spec, long seed) {
        Parameters.Builder layout = Parameters.builder();
        Mlp.declare(layout, "mlp", spec);
        Parameters parameters = layout.build();
        new Mlp(spec, parameters, "mlp", false).initialise(new Random(seed));
        double[] theta = parameters.values();
        Random random = new Random(seed + 1);
        for (int k = 0; k < spec.depth(); k++) {
            int bias = parameters.offset("mlp." + k + ".bias");
            for (int o = 0; o < spec.layerOutput(k); o++) {
                theta[bias + o] = 0.3 * random.nextGaussian();
            }
        }
        parameters.markChanged();
        return parameters;
    }

    /** Layer sizes from text such as {@code "6 32 6"}. */
    static int[] sizes(String list) {
        String[] parts = list.trim().split(" +");
        int[] sizes = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            sizes[k] = Integer.parseInt(parts[k]);
        }
        return sizes;
    }
}
