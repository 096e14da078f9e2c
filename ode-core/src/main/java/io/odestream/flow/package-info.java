/**
 * Continuous normalizing flows (Chen et al. 2018, section 4; FFJORD, Grathwohl et al. 2019):
 * a density {@code p(x | c)} defined by carrying x along {@code dz/dt = f(z, t, c; θ)} from t = 0 to
 * t = 1 into a standard Gaussian, with the instantaneous change of variables
 * {@code d log p/dt = −tr(∂f/∂z)}.
 *
 * <ul>
 *   <li>{@link io.odestream.flow.CnfField}: the augmented dynamics [z, log p, context, ε] with a
 *       one-hidden-layer tanh network and its hand-written vector–Jacobian products, including the
 *       second-order terms the trace contributes to the parameter gradient.</li>
 *   <li>{@link io.odestream.flow.ContinuousFlow}: log-density (forward solve) and sampling
 *       (backward solve from the base Gaussian), exact or Hutchinson trace ({@link io.odestream.flow.TraceMode}).</li>
 *   <li>{@link io.odestream.flow.FlowTraining}: maximum likelihood with adjoint gradients.</li>
 *   <li>{@link io.odestream.flow.GaussianDensity}: the full-covariance Gaussian every flow is
 *       measured against.</li>
 *   <li>{@link io.odestream.flow.PlanarDensity}: the seeded 2-D test densities (two moons, eight
 *       Gaussians on a ring, concentric rings); {@link io.odestream.flow.PlanarFlowFit}: the recipe
 *       that fits and measures a flow on one of them.</li>
 *   <li>{@link io.odestream.flow.ResidualFlowScorer}: the flow anomaly scorer, a conditional flow
 *       over the standardised residuals of the latent-ODE predictive
 *       ({@link io.odestream.latent.ResidualScorer}).</li>
 * </ul>
 */
package io.odestream.flow;
