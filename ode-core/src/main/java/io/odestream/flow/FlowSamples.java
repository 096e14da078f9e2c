package io.odestream.flow;

/**
 * Draws from a flow: {@code points} row-major (rows × D) and each point's log-density by the change
 * of variables along its backward solve.
 */
public record FlowSamples(double[] points, double[] logDensity) {
}
