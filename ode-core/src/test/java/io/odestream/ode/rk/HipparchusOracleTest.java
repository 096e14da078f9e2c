package io.odestream.ode.rk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.ode.Solution;
import io.odestream.ode.VectorField;
import io.odestream.ode.control.StepControl;
import java.util.stream.Stream;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.ODEStateAndDerivative;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An independent oracle: Hipparchus' DormandPrince853Integrator at rtol = atol = 1e-13 on three
 * classic nonlinear problems. Our adaptive methods must
 * <ol>
 *   <li>land within the tolerance scale of the oracle. An error-per-step controller keeps every
 *   local error ≲ tol (relative to max(1, |y|)); each is carried to the end amplified by at most the
 *   problem's sensitivity κ = max |∂y(T)/∂y(t)|, so the global error is bounded by
 *   N·κ·tol for N steps. κ is measured here from the oracle itself (perturbing y0), not tuned:
 *   it is ~10 for Lotka–Volterra and Van der Pol and ~10⁵ for the Arenstorf orbit, whose close
 *   approaches to the moon amplify any error; and</li>
 *   <li>be tolerance-proportional: tightening tol by 10³ shrinks the error by at least 10²,
 *   so the first check cannot pass by accident.</li>
 * </ol>
 */
class HipparchusOracleTest {

    record Problem(String name, double[] y0, double tEnd, VectorField field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final Problem VAN_DER_POL = new Problem("Van der Pol (mu = 1)", new double[] {2, 0}, 20, field(2, (y, dy) -> {
        dy[0] = y[1];
        dy[1] = (1 - y[0] * y[0]) * y[1] - y[0];
    }));

    static final Problem LOTKA_VOLTERRA = new Problem("Lotka-Volterra", new double[] {1, 1}, 15, field(2, (y, dy) -> {
        dy[0] = 1.5 * y[0] - y[0] * y[1];
        dy[1] = -3 * y[1] + y[0] * y[1];
    }));

    /** Hairer, Nørsett &amp; Wanner I, II.0: a periodic orbit of the restricted three-body problem. */
    static final double MU = 0.012277471;
    static final Problem ARENSTORF = new Problem("Arenstorf orbit",
            new double[] {0.994, 0, 0, -2.00158510637908252240537862224}, 17.0652165601579625588917206249,
            field(4, (y, dy) -> {
                double mu1 = 1 - MU;
                double d1 = Math.pow((y[0] + MU) * (y[0] + MU) + y[1] * y[1], 1.5);
                double d2 = Math.pow((y[0] - mu1) * (y[0] - mu1) + y[1] * y[1], 1.5);
                dy[0] = y[2];
                dy[1] = y[3];
                dy[2] = y[0] + 2 * y[3] - mu1 * (y[0] + MU) / d1 - MU * (y[0] - mu1) / d2;
                dy[3] = y[1] - 2 * y[2] - mu1 * y[1] / d1 - MU * y[1] / d2;
            }));

    static Stream<Arguments> cases() {
        return Stream.of(BogackiShampine32.TABLEAU, DormandPrince54.TABLEAU, Tsitouras54.TABLEAU)
                .flatMap(m -> Stream.of(VAN_DER_POL, LOTKA_VOLTERRA, ARENSTORF).map(p -> Arguments.of(m, p)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void agreesWithHipparchusWithinTheToleranceScale(ButcherTableau method, Problem problem) {
        double[] oracle = oracle(problem);
        double loose = method.order() >= 5 ? 1e-7 : 1e-6;
        double tight = loose * 1e-3;
        double kappa = sensitivity(problem, oracle);
        Solution looseSolve = solve(method, problem, loose);
        Solution tightSolve = solve(method, problem, tight);
        double errLoose = error(looseSolve, oracle);
        double errTight = error(tightSolve, oracle);
        double boundLoose = looseSolve.stats().acceptedSteps() * kappa * loose;
        double boundTight = tightSolve.stats().acceptedSteps() * kappa * tight;
        assertTrue(errLoose <= boundLoose, method.name() + " at tol " + loose + ": error " + errLoose + " > N·κ·tol = " + boundLoose);
        assertTrue(errTight <= boundTight, method.name() + " at tol " + tight + ": error " + errTight + " > N·κ·tol = " + boundTight);
        assertTrue(errTight <= errLoose / 100, method.name() + ": not tolerance-proportional, error " + errLoose
                + " at tol " + loose + " but " + errTight + " at tol " + tight);
    }

    private static Solution solve(ButcherTableau method, Problem problem, double tol) {
        RungeKuttaSolver solver = new RungeKuttaSolver(method,
                StepControl.adaptive(tol, tol).maxSteps(1_000_000).build());
        return solver.solve(problem.field(), problem.y0().clone(), 1, 0, new double[] {problem.tEnd()});
    }

    /** Relative error of the end state (relative to max(1, |y|), like the error control). */
    private static double error(Solution s, double[] oracle) {
        double worst = 0;
        for (int j = 0; j < oracle.length; j++) {
            worst = Math.max(worst, Math.abs(s.value(0, 0, j) - oracle[j]) / Math.max(1.0, Math.abs(oracle[j])));
        }
        return worst;
    }

    /**
     * κ: the largest growth of a small perturbation of y0 by the end of the span, by finite
     * differences of the oracle (a perturbation made at t0 is the worst case for these problems,
     * whose sensitivity grows with the time left).
     */
    private static double sensitivity(Problem problem, double[] reference) {
        double delta = 1e-6;
        double worst = 1;
        for (int j = 0; j < problem.y0().length; j++) {
            double[] y0 = problem.y0().clone();
            y0[j] += delta;
            double[] end = oracle(new Problem(problem.name(), y0, problem.tEnd(), problem.field()));
            for (int i = 0; i < end.length; i++) {
                worst = Math.max(worst, Math.abs(end[i] - reference[i]) / delta);
            }
        }
        return worst;
    }

    private static double[] oracle(Problem problem) {
        DormandPrince853Integrator integrator = new DormandPrince853Integrator(1e-12, 10, 1e-13, 1e-13);
        OrdinaryDifferentialEquation ode = new OrdinaryDifferentialEquation() {
            private final double[] t = new double[1];

            @Override
            public int getDimension() {
                return problem.y0().length;
            }

            @Override
            public double[] computeDerivatives(double time, double[] y) {
                double[] dy = new double[y.length];
                t[0] = time;
                problem.field().evaluate(t, y, dy, 1);
                return dy;
            }
        };
        ODEStateAndDerivative end = integrator.integrate(ode, new ODEState(0, problem.y0().clone()), problem.tEnd());
        return end.getPrimaryState();
    }

    interface Rhs {
        void apply(double[] y, double[] dy);
    }

    /** A single-row right-hand side lifted to the batch layout. */
    static VectorField field(int d, Rhs rhs) {
        return new VectorField() {
            private final double[] y = new double[d];
            private final double[] dy = new double[d];

            @Override
            public int dimension() {
                return d;
            }

            @Override
            public void evaluate(double[] t, double[] z, double[] dz, int rows) {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(z, r * d, y, 0, d);
                    rhs.apply(y, dy);
                    System.arraycopy(dy, 0, dz, r * d, d);
                }
            }
        };
    }
}
