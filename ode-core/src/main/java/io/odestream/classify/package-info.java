/**
 * Continuous-depth classifiers (Chen et al. 2018, section 3): input → linear projection → a
 * depth block → linear readout with a softmax, trained on cross-entropy.
 *
 * <ul>
 *   <li>{@link io.odestream.classify.DepthClassifier}: the network around a block, one flat
 *       parameter vector, loss and gradient for a minibatch.</li>
 *   <li>{@link io.odestream.classify.OdeBlock}: the ODE-Net's block, a neural vector field
 *       integrated over t ∈ [0, 1] by an adaptive solver, differentiated by the adjoint
 *       (O(1) memory in depth) or by back-propagation through the solver; with zero-initialised
 *       extra dimensions it is ANODE's (Dupont et al. 2019).</li>
 *   <li>{@link io.odestream.classify.ResidualBlocks}: the discrete baseline, a ResNet of a few
 *       residual MLP blocks.</li>
 *   <li>{@link io.odestream.classify.ClassifierTraining}: minibatch Adam over the flat vector.</li>
 * </ul>
 */
package io.odestream.classify;
