/**
 * The {@code djl} backend: ode-core's MLP vector field and its Runge–Kutta solves on DJL NDArrays
 * (PyTorch engine, float64, CPU or CUDA), for large batches. The {@code java} backend in ode-core
 * stays the default for small per-key work; both load the same parameter vector and agree to
 * round-off (see the agreement tests).
 *
 * <ul>
 *   <li>{@link io.odestream.djl.DjlDevice}: {@code cpu} or {@code gpu[:index]}, and the one-time engine set-up;</li>
 *   <li>{@link io.odestream.djl.TensorVectorField}: a right-hand side on a B×D NDArray;</li>
 *   <li>{@link io.odestream.djl.DjlMlpField}: the MLP field, forward with NDArray ops, VJPs from autograd;</li>
 *   <li>{@link io.odestream.djl.DjlRungeKutta}: batched solves with ode-core's tableaus and step control.</li>
 * </ul>
 */
package io.odestream.djl;
