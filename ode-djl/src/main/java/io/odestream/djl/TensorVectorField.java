package io.odestream.djl;

import ai.djl.ndarray.NDArray;

/**
 * A right-hand side {@code dz/dt = f(t, z)} on a batch held as a B×D float64 NDArray, all rows at
 * the same time t (shared step control). The result is a new array attached to {@code z}'s
 * manager, so the caller's scope decides its lifetime.
 */
public interface TensorVectorField {

    /** D, the number of state components per row. */
    int dimension();

    /** {@code f(t, z)} for every row of {@code z} (B×D), as a new B×D array in {@code z}'s manager. */
    NDArray evaluate(double t, NDArray z);
}
