package io.odestream.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All parameters of a model in one flat {@code double[]}, with named slices.
 *
 * <p>A model is an architecture spec plus this vector: the vector is what optimisers update,
 * what the adjoint accumulates gradients into (a gradient buffer has the same layout) and what
 * an artifact stores. A slice is an offset and a shape into the vector, never a copy; matrices
 * are row-major with torch's conventions (a linear layer's weight is out×in).
 *
 * <p>Layers may cache derived forms of their weights (a transposed copy for fast kernels).
 * Whoever writes into {@link #values()} must call {@link #markChanged()} afterwards; layers
 * compare {@link #version()} with the version they cached and refresh.
 */
public final class Parameters {

    /** A named region {@code values[offset .. offset + size)} with a row-major shape. */
    public record Slice(String name, int offset, int[] shape) {
        public Slice {
            shape = shape.clone();
        }

        /** Number of scalars, the product of the shape. */
        public int size() {
            int n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + "@" + offset;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slice s && s.name.equals(name) && s.offset == offset && Arrays.equals(s.shape, shape);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * name.hashCode() + offset) + Arrays.hashCode(shape);
        }
    }

    private final double[] values;
    private final Map<String, Slice> slices;
    private long version;

    private Parameters(Map<String, Slice> slices, double[] values) {
        this.slices = Collections.unmodifiableMap(slices);
        this.values = values;
    }

    /** Starts a layout; slices are laid out in the order they are declared. */
    public static Builder builder() {
        return new Builder();
    }

    /** The live vector (not a copy). Call {@link #markChanged()} after writing into it. */
    public double[] values() {
        return values;
    }

    /** Total number of scalars. */
    public int size() {
        return values.length;
    }

    /** The slices in layout order. */
    public List<Slice> slices() {
        return new ArrayList<>(slices.values());
    }

    /** The slice called {@code name}; fails naming the known slices if there is none. */
    public Slice slice(String name) {
        Slice s = slices.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter slice named '" + name + "'; this model has "
                    + slices.keySet());
        }
        return s;
    }

    /** Offset of slice {@code name} in {@link #values()}. */
    public int offset(String name) {
        return slice(name).offset();
    }

    /**
     * The slice called {@code name}, checked to have exactly {@code shape}: how a layer binds to
     * a layout it did not declare itself (an artifact), failing loudly on a mismatch.
     */
    public Slice slice(String name, int... shape) {
        Slice s = slice(name);
        if (!Arrays.equals(s.shape, shape)) {
            throw new IllegalArgumentException("parameter slice '" + name + "' has shape " + Arrays.toString(s.shape)
                    + " but the layer needs " + Arrays.toString(shape) + "; the artifact does not match the architecture");
        }
        return s;
    }

    /** Counter bumped by {@link #markChanged()}; layers refresh derived weights when it moves. */
    public long version() {
        return version;
    }

    /** Declares that {@link #values()} was written (optimiser step, artifact load, hand edit). */
    public void markChanged() {
        version++;
    }

    /** Copies {@code source} into the vector (lengths must match) and marks it changed. */
    public void set(double[] source) {
        if (source.length != values.length) {
            throw new IllegalArgumentException("parameter vector has length " + source.length + " but the layout "
                    + "needs " + values.length + "; the artifact does not match the architecture");
        }
        System.arraycopy(source, 0, values, 0, values.length);
        markChanged();
    }

    /** A zeroed vector with this layout, e.g. a gradient buffer. */
    public double[] newGradient() {
        return new double[values.length];
    }

    /** Declares slices, then allocates (or wraps) the vector. */
    public static final class Builder {
        private final Map<String, Slice> slices = new LinkedHashMap<>();
        private int size;

        private Builder() {
        }

        /** Appends a slice called {@code name} with the given row-major shape; returns its offset. */
        public int add(String name, int... shape) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("a parameter slice needs a non-empty name");
            }
            if (slices.containsKey(name)) {
                throw new IllegalArgumentException("parameter slice '" + name + "' is declared twice; use distinct "
                        + "prefixes for distinct layers");
            }
            long n = 1;
            for (int s : shape) {
                if (s <= 0) {
                    throw new IllegalArgumentException("parameter slice '" + name + "' has shape "
                            + Arrays.toString(shape) + "; every dimension must be positive");
                }
                n *= s;
            }
            if (size + n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("parameter slice '" + name + "' makes the vector too large for "
                        + "one double[]");
            }
            int offset = size;
            slices.put(name, new Slice(name, offset, shape));
            size += (int) n;
            return offset;
        }

        /** Number of scalars declared so far. */
        public int size() {
            return size;
        }

        /** A zero vector with the declared layout. */
        public Parameters build() {
            return new Parameters(new LinkedHashMap<>(slices), new double[size]);
        }

        /** Wraps {@code values} (not copied) with the declared layout; its length must match. */
        public Parameters wrap(double[] values) {
            if (values.length != size) {
                throw new IllegalArgumentException("parameter vector has length " + values.length + " but the "
                        + "layout " + slices.values() + " needs " + size);
            }
            return new Parameters(new LinkedHashMap<>(slices), values);
        }
    }
}
