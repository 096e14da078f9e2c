package io.odestream.flow;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The 2-D densities continuous normalizing flows are shown on (FFJORD's toy set), drawn from a
 * seed so that every run sees the same points. Each is scaled to a spread of about 1–2 per axis,
 * where the standard-normal base needs no large stretch.
 */
public enum PlanarDensity {
    /** Two interleaved half circles with Gaussian noise 0.1 (scikit-learn's make_moons), centred, ×1.5. */
    TWO_MOONS {
        @Override
        void draw(SplittableRandom random, double[] out, int offset) {
            double angle = Math.PI * random.nextDouble();
            boolean upper = random.nextBoolean();
            double x = upper ? Math.cos(angle) : 1 - Math.cos(angle);
            double y = upper ? Math.sin(angle) : 0.5 - Math.sin(angle);
            out[offset] = 1.5 * (x - 0.5 + 0.1 * gaussian(random));
            out[offset + 1] = 1.5 * (y - 0.25 + 0.1 * gaussian(random));
        }
    },
    /** Eight Gaussians (σ = 0.2) at equal angles on the circle of radius 2. */
    EIGHT_GAUSSIANS {
        @Override
        void draw(SplittableRandom random, double[] out, int offset) {
            double angle = 2 * Math.PI * random.nextInt(8) / 8;
            out[offset] = 2 * Math.cos(angle) + 0.2 * gaussian(random);
            out[offset + 1] = 2 * Math.sin(angle) + 0.2 * gaussian(random);
        }
    },
    /** Two concentric rings of radius 1 and 2, equally likely, with radial noise σ = 0.1. */
    CONCENTRIC_RINGS {
        @Override
        void draw(SplittableRandom random, double[] out, int offset) {
            double angle = 2 * Math.PI * random.nextDouble();
            double radius = (random.nextBoolean() ? 1.0 : 2.0) + 0.1 * gaussian(random);
            out[offset] = radius * Math.cos(angle);
            out[offset + 1] = radius * Math.sin(angle);
        }
    };

    /** n points, row-major (n × 2), from {@code seed}. */
    public double[] sample(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] points = new double[2 * n];
        for (int i = 0; i < n; i++) {
            draw(random, points, 2 * i);
        }
        return points;
    }

    /** The command-line name: two-moons, eight-gaussians, concentric-rings. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    abstract void draw(SplittableRandom random, double[] out, int offset);

    private static double gaussian(SplittableRandom random) {
        return ContinuousFlow.standardNormal(random);
    }
}
