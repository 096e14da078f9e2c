package io.odestream.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A model's parameters are one flat vector with named, shaped slices that are offsets, not copies. */
class ParametersTest {

    @Test
    void slicesAreLaidOutInDeclarationOrder() {
        Parameters.Builder layout = Parameters.builder();
        assertEquals(0, layout.add("a.weight", 3, 2));
        assertEquals(6, layout.add("a.bias", 3));
        assertEquals(9, layout.add("b", 4, 1, 2));
        Parameters p = layout.build();
        assertEquals(17, p.size());
        assertEquals(17, p.values().length);
        List<Parameters.Slice> slices = p.slices();
        assertEquals(List.of("a.weight", "a.bias", "b"), slices.stream().map(Parameters.Slice::name).toList());
        assertArrayEquals(new int[] {4, 1, 2}, p.slice("b").shape());
        assertEquals(8, p.slice("b").size());
        assertEquals(6, p.offset("a.bias"));
    }

    @Test
    void aSliceIsAViewIntoTheLiveVector() {
        Parameters.Builder layout = Parameters.builder();
        layout.add("w", 2, 2);
        layout.add("b", 2);
        double[] vector = {1, 2, 3, 4, 5, 6};
        Parameters p = layout.wrap(vector);
        assertSame(vector, p.values());
        vector[p.offset("b") + 1] = 60;
        assertEquals(60, p.values()[5]);
    }

    @Test
    void writersSignalChangesThroughTheVersion() {
        Parameters.Builder layout = Parameters.builder();
        layout.add("w", 2);
        Parameters p = layout.build();
        long v0 = p.version();
        p.markChanged();
        assertTrue(p.version() > v0);
        long v1 = p.version();
        p.set(new double[] {7, 8});
        assertTrue(p.version() > v1);
        assertArrayEquals(new double[] {7, 8}, p.values());
    }

    @Test
    void badLayoutsAndMismatchedVectorsAreRejectedWithTheirNames() {
        Parameters.Builder layout = Parameters.builder();
        layout.add("w", 2, 3);
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> layout.add("w", 1));
        assertTrue(twice.getMessage().contains("'w'"), twice.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> layout.add("z", 0, 3));
        assertTrue(empty.getMessage().contains("'z'"), empty.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> layout.wrap(new double[5]));
        assertTrue(length.getMessage().contains("5") && length.getMessage().contains("6"), length.getMessage());
        Parameters p = layout.build();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> p.slice("v"));
        assertTrue(missing.getMessage().contains("'v'") && missing.getMessage().contains("w"), missing.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> p.slice("w", 3, 2));
        assertTrue(shape.getMessage().contains("[2, 3]") && shape.getMessage().contains("[3, 2]"), shape.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.set(new double[7]));
    }
}
