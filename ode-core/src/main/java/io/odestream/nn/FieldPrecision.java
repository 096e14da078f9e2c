package io.odestream.nn;

import java.util.Locale;

/**
 * The arithmetic of MLP forward passes, chosen per JVM by the system property {@value #PROPERTY}
 * when an {@link Mlp} is built: {@code float64} (the default) or {@code float32}.
 *
 * <p>{@code float32} is a serving option: forward passes run on {@link FloatVectorApiMlp} (16 floats a
 * vector with AVX-512 instead of 8 doubles, and a cheaper tanh), within ~1e-6 of the double result,
 * while every VJP (training, the adjoint, fine-tuning) stays in double. It applies JVM-wide to every MLP
 * built while it is set whose shape the Vector API kernel takes ({@link VectorKernels#enabled()}, tanh
 * hidden layers and an identity output): the latent ODE's fields and its posterior and readout heads,
 * but also flows' and classifiers' MLPs. The plain loops and other shapes ignore it and run in double,
 * which {@link VectorKernels#describe()} says. A JVM that also trains (e.g. fine-tuning beside serving) then fits double gradients along
 * float32 forward solves: set it only where the model serves. bench/README.md measures what it buys
 * and what it moves ("float32 forward passes").
 */
public enum FieldPrecision {
    FLOAT64,
    FLOAT32;

    public static final String PROPERTY = "odestream.fieldPrecision";

    /** The precision {@value #PROPERTY} asks for now; unset or blank is {@link #FLOAT64}. */
    public static FieldPrecision fromProperty() {
        return parse(System.getProperty(PROPERTY));
    }

    /**
     * {@code float64} or {@code float32}, any case, surrounding blanks ignored; null or blank is
     * {@link #FLOAT64}.
     *
     * @throws IllegalArgumentException for anything else, naming the property and the values it takes
     */
    public static FieldPrecision parse(String value) {
        if (value == null || value.isBlank()) {
            return FLOAT64;
        }
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "float64":
                return FLOAT64;
            case "float32":
                return FLOAT32;
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + " must be float64 (the default) or float32, got '"
                        + value + "'");
        }
    }

    /** The property's spelling of this value. */
    public String propertyValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
