package io.odestream.ode.rk;

import java.util.List;
import java.util.Locale;

/** The catalogue of built-in methods, looked up by name. */
public final class Tableaus {

    /** Every built-in method, fixed-step ones first. */
    public static final List<ButcherTableau> ALL = List.of(
            Euler.TABLEAU, Midpoint.TABLEAU, Heun.TABLEAU, RungeKutta4.TABLEAU, RungeKutta38.TABLEAU,
            BogackiShampine32.TABLEAU, DormandPrince54.TABLEAU, Tsitouras54.TABLEAU);

    private Tableaus() {
    }

    /** The method called {@code name} (case-insensitive), e.g. "dopri5", "tsit5", "rk4". */
    public static ButcherTableau byName(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (ButcherTableau t : ALL) {
            if (t.name().equals(wanted)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown ODE method '" + name + "'; known methods: "
                + ALL.stream().map(ButcherTableau::name).toList());
    }

}
