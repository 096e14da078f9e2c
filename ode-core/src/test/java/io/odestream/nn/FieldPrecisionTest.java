package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code -Dodestream.fieldPrecision}: float64 unless float32 is asked for; anything else fails with a
 * message that names the property and its values, when an MLP is built.
 */
class FieldPrecisionTest {

    @Test
    void unsetOrBlankIsFloat64() {
        assertEquals(FieldPrecision.FLOAT64, FieldPrecision.parse(null));
        assertEquals(FieldPrecision.FLOAT64, FieldPrecision.parse(""));
        assertEquals(FieldPrecision.FLOAT64, FieldPrecision.parse("  "));
    }

    @Test
    void takesBothSpellingsInAnyCase() {
        assertEquals(FieldPrecision.FLOAT64, FieldPrecision.parse("float64"));
        assertEquals(FieldPrecision.FLOAT32, FieldPrecision.parse("float32"));
        assertEquals(FieldPrecision.FLOAT32, FieldPrecision.parse(" FLOAT32 "));
        assertEquals("float32", FieldPrecision.FLOAT32.propertyValue());
    }

    @Test
    void anythingElseFailsSayingWhatItTakes() {
        for (String bad : new String[] {"float", "fp32", "32", "double", "float16"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FieldPrecision.parse(bad));
            assertTrue(e.getMessage().contains("odestream.fieldPrecision") && e.getMessage().contains("float32")
                    && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void anMlpReadsThePropertyWhenItIsBuilt() {
        MlpSpec spec = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 6, 32, 6);
        String before = System.getProperty(FieldPrecision.PROPERTY);
        try {
            System.setProperty(FieldPrecision.PROPERTY, "float32");
            Mlp float32 = Mlp.create(spec, 1);
            assertTrue(VectorKernels.describe().contains("float32"), VectorKernels.describe());
            System.setProperty(FieldPrecision.PROPERTY, "float64");
            Mlp float64 = Mlp.create(spec, 1);
            System.setProperty(FieldPrecision.PROPERTY, "fp32");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mlp.create(spec, 1));
            assertTrue(e.getMessage().contains("odestream.fieldPrecision"), e.getMessage());
            assertTrue(VectorKernels.describe().contains("'fp32'"), VectorKernels.describe());

            assertEquals(FieldPrecision.FLOAT32, float32.forwardPrecision(), "built while float32 was asked for");
            assertEquals(FieldPrecision.FLOAT64, float64.forwardPrecision());
        } finally {
            if (before == null) {
                System.clearProperty(FieldPrecision.PROPERTY);
            } else {
                System.setProperty(FieldPrecision.PROPERTY, before);
            }
        }
    }

    @Test
    void thePlainLoopsAndOtherShapesStayDouble() {
        MlpSpec field = MlpSpec.of(Activation.TANH, Activation.IDENTITY, 6, 32, 6);
        Parameters.Builder layout = Parameters.builder();
        Mlp.declare(layout, "mlp", field);
        Parameters parameters = layout.build();
        assertEquals(FieldPrecision.FLOAT32, new Mlp(field, parameters, "mlp", true, FieldPrecision.FLOAT32)
                .forwardPrecision());
        assertEquals(FieldPrecision.FLOAT64, new Mlp(field, parameters, "mlp", false, FieldPrecision.FLOAT32)
                .forwardPrecision(), "the plain loops ignore it");
        MlpSpec relu = MlpSpec.of(Activation.RELU, Activation.IDENTITY, 6, 32, 6);
        Parameters.Builder reluLayout = Parameters.builder();
        Mlp.declare(reluLayout, "mlp", relu);
        assertEquals(FieldPrecision.FLOAT64, new Mlp(relu, reluLayout.build(), "mlp", true, FieldPrecision.FLOAT32)
                .forwardPrecision(), "no float32 kernel for ReLU layers");
    }
}
