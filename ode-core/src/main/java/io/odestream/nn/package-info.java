/**
 * Neural networks with hand-written, allocation-free forward passes and vector–Jacobian
 * products on the batch layout the solvers use (B rows × D features, row-major
 * {@code double[]}).
 *
 * <ul>
 *   <li>{@link io.odestream.nn.Parameters}: one flat vector with named, shaped slices; a model
 *       is an architecture spec plus this vector. Gradients use the same layout and are
 *       accumulated ({@code +=}); input cotangents are overwritten.</li>
 *   <li>{@link io.odestream.nn.Linear}, {@link io.odestream.nn.Mlp} ({@link io.odestream.nn.MlpSpec}),
 *       {@link io.odestream.nn.GruCell}: torch's conventions and parameter names (weights out×in).</li>
 *   <li>{@link io.odestream.nn.NeuralVectorField}: f(t, z; θ) for the ODE solvers and the adjoint.</li>
 *   <li>{@link io.odestream.nn.Activation}, {@link io.odestream.nn.BranchFreeTanh} (the MLPs'),
 *       {@link io.odestream.nn.FastTanh} (the GRU's): element functions.</li>
 *   <li>{@link io.odestream.nn.VectorKernels}: whether MLPs with tanh hidden layers run on the
 *       Vector API kernel (the JVM needs {@code --add-modules jdk.incubator.vector}) or on plain
 *       loops; both give the same outputs and input cotangents to the bit.</li>
 * </ul>
 *
 * <p>Whoever writes into a parameter vector calls {@link io.odestream.nn.Parameters#markChanged()}
 * (or {@link io.odestream.nn.NeuralVectorField#parametersChanged()}): layers cache weight copies
 * in kernel-friendly layouts. Instances hold scratch buffers and are not thread-safe; a row's
 * result never depends on the batch it is evaluated in nor on the kernel (bit for bit): every
 * output is a chain of fused multiply–adds in index order, whichever kernel computes it.
 */
package io.odestream.nn;
