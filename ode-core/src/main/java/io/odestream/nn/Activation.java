package io.odestream.nn;

/**
 * Element-wise activations with the derivative each VJP needs.
 *
 * <p>Layers keep both the pre-activation {@code u} and the output {@code y = φ(u)} of a forward
 * pass; each activation takes its derivative from whichever is cheaper and exact: tanh and
 * sigmoid from the output ({@code 1 − y²}, {@code y(1 − y)}), the others from the
 * pre-activation.
 */
public enum Activation {
    IDENTITY {
        @Override
        public double value(double u) {
            return u;
        }

        @Override
        public double derivative(double u, double y) {
            return 1.0;
        }

        @Override
        public void apply(double[] u, double[] y, int n) {
            System.arraycopy(u, 0, y, 0, n);
        }

        @Override
        public void backpropagate(double[] u, double[] y, double[] g, int n) {
            // the derivative is one
        }
    },

    /**
     * tanh through {@link BranchFreeTanh} (a few ulps from {@code Math.tanh}; its loops vectorise),
     * the same bits as the Vector API kernel's lane-wise tanh.
     */
    TANH {
        @Override
        public double value(double u) {
            return BranchFreeTanh.tanh(u);
        }

        @Override
        public double derivative(double u, double y) {
            return BranchFreeTanh.derivativeFromOutput(y);
        }

        @Override
        public void apply(double[] u, double[] y, int n) {
            for (int i = 0; i < n; i++) {
                y[i] = BranchFreeTanh.tanh(u[i]);
            }
        }

        @Override
        public void backpropagate(double[] u, double[] y, double[] g, int n) {
            for (int i = 0; i < n; i++) {
                g[i] *= BranchFreeTanh.derivativeFromOutput(y[i]);
            }
        }
    },

    /** The logistic function 1/(1 + e^−u), the GRU's gates. */
    SIGMOID {
        @Override
        public double value(double u) {
            return sigmoid(u);
        }

        @Override
        public double derivative(double u, double y) {
            return y * (1.0 - y);
        }

        @Override
        public void apply(double[] u, double[] y, int n) {
            for (int i = 0; i < n; i++) {
                y[i] = sigmoid(u[i]);
            }
        }

        @Override
        public void backpropagate(double[] u, double[] y, double[] g, int n) {
            for (int i = 0; i < n; i++) {
                g[i] *= y[i] * (1.0 - y[i]);
            }
        }
    },

    RELU {
        @Override
        public double value(double u) {
            return u > 0.0 ? u : 0.0;
        }

        /** 0 at u = 0, like torch. */
        @Override
        public double derivative(double u, double y) {
            return u > 0.0 ? 1.0 : 0.0;
        }

        @Override
        public void apply(double[] u, double[] y, int n) {
            for (int i = 0; i < n; i++) {
                y[i] = u[i] > 0.0 ? u[i] : 0.0;
            }
        }

        @Override
        public void backpropagate(double[] u, double[] y, double[] g, int n) {
            for (int i = 0; i < n; i++) {
                g[i] = u[i] > 0.0 ? g[i] : 0.0;
            }
        }
    },

    /** log(1 + e^u), written so it neither overflows for large u nor loses digits for negative u. */
    SOFTPLUS {
        @Override
        public double value(double u) {
            return Math.max(u, 0.0) + Math.log1p(Math.exp(-Math.abs(u)));
        }

        @Override
        public double derivative(double u, double y) {
            return sigmoid(u);
        }

        @Override
        public void apply(double[] u, double[] y, int n) {
            for (int i = 0; i < n; i++) {
                y[i] = value(u[i]);
            }
        }

        @Override
        public void backpropagate(double[] u, double[] y, double[] g, int n) {
            for (int i = 0; i < n; i++) {
                g[i] *= sigmoid(u[i]);
            }
        }
    },

    /** ELU with α = 1 (Clevert et al. 2016): u for u > 0, e^u − 1 otherwise; used by the spiral demo. */
    ELU {
        @Override
        public double value(double u) {
            return u > 0.0 ? u : Math.expm1(u);
        }

        @Override
        public double derivative(double u, double y) {
            return u > 0.0 ? 1.0 : Math.exp(u);
        }

        @Override
        public void apply(double[] u, double[] y, int n) {
            for (int i = 0; i < n; i++) {
                y[i] = u[i] > 0.0 ? u[i] : Math.expm1(u[i]);
            }
        }

        @Override
        public void backpropagate(double[] u, double[] y, double[] g, int n) {
            for (int i = 0; i < n; i++) {
                if (!(u[i] > 0.0)) {
                    g[i] *= Math.exp(u[i]);
                }
            }
        }
    };

    /** φ(u). */
    public abstract double value(double u);

    /** φ'(u), given u and y = φ(u). */
    public abstract double derivative(double u, double y);

    /**
     * {@code y[i] = φ(u[i])} for {@code i < n}. Every constant overrides the loop with its own
     * body so the JIT inlines the element function (a shared loop calling an abstract method
     * would be megamorphic).
     */
    public abstract void apply(double[] u, double[] y, int n);

    /** {@code g[i] *= φ'(u[i])} for {@code i < n}, with {@code y = φ(u)} from the forward pass. */
    public abstract void backpropagate(double[] u, double[] y, double[] g, int n);

    /** Whether He initialisation suits a layer followed by this activation (rectifier-like). */
    public boolean rectifying() {
        return this == RELU || this == ELU;
    }

    /**
     * The logistic function from the {@link Math#exp} intrinsic. Exp of −|u| never overflows,
     * and each branch is a quotient of positive terms, so the result is within a few ulps for
     * every u, including the far negative tail where σ(u) ≈ e^u (even subnormal).
     */
    public static double sigmoid(double u) {
        double e = Math.exp(-Math.abs(u));
        double r = 1.0 / (1.0 + e);
        return u >= 0.0 ? r : e * r;
    }
}
