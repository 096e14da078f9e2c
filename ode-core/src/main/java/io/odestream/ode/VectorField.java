package io.odestream.ode;

/**
 * The right-hand side {@code dz/dt = f(t, z)} of an ODE, evaluated for a batch of states.
 *
 * <p>States are stored row-major in one {@code double[]}: row {@code r} occupies
 * {@code z[r*D .. r*D + D)} where {@code D = dimension()}. Every row carries its own time
 * because the solvers can step each row independently (per-row step control); a field that
 * does not depend on time simply ignores {@code t}.
 *
 * <p>Implementations must be row-independent (row r of {@code dz} depends only on row r of
 * {@code z} and {@code t[r]}), deterministic, and must not keep references to the arrays they
 * are given: the solvers reuse them between calls.
 */
public interface VectorField {

    /** D, the number of state components per row. */
    int dimension();

    /**
     * Writes {@code dz[r*D + j] = f_j(t[r], z[r*D ..])} for rows {@code 0 <= r < rows}.
     *
     * @param t    per-row times, at least {@code rows} long
     * @param z    states, at least {@code rows*D} long
     * @param dz   output, at least {@code rows*D} long; never the same array as {@code z}
     * @param rows number of rows to evaluate, {@code rows >= 1}
     */
    void evaluate(double[] t, double[] z, double[] dz, int rows);
}
