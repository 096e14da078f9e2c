package io.odestream.eval.flow;

import io.odestream.flow.FlowSamples;
import io.odestream.flow.PlanarFlowFit;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * The picture of fitted 2-D flows: one row per density, columns test data | samples from the flow
 * (base draws integrated back from t = 1) | the flow's density on a grid. Drawn with java.awt only.
 */
public final class PlanarFlowPlot {
    /** The square every panel shows, [−RANGE, RANGE]². */
    static final double RANGE = 3.5;
    private static final int PANEL = 240;
    private static final int GRID = 80;
    private static final int LABEL = 22;
    private static final String[] COLUMNS = {"test data", "flow samples", "flow density"};

    private PlanarFlowPlot() {
    }

    /** Draws the panels for {@code results} (samples and grid from the fitted flows) and writes a PNG. */
    public static void write(List<PlanarFlowFit.Result> results, int samples, long seed, Path file) {
        BufferedImage image = new BufferedImage(3 * PANEL, LABEL + results.size() * (PANEL + LABEL),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(Color.BLACK);
        for (int c = 0; c < COLUMNS.length; c++) {
            g.drawString(COLUMNS[c], c * PANEL + 8, 16);
        }
        // one column heading row, then per density a caption row and the panels
        SplittableRandom random = new SplittableRandom(seed);
        for (int row = 0; row < results.size(); row++) {
            PlanarFlowFit.Result result = results.get(row);
            int top = LABEL + row * (PANEL + LABEL);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%s: test NLL flow %.3f, Gaussian %.3f nats",
                    result.density().label(), result.flowNll(), result.gaussianNll()), 8, top + 16);
            int panelTop = top + LABEL;
            double[] test = result.testPoints();
            scatter(g, test, test.length / 2, 0, panelTop, new Color(30, 90, 180));
            FlowSamples drawn = result.flow().sample(samples, null, random);
            scatter(g, drawn.points(), samples, PANEL, panelTop, new Color(200, 70, 40));
            density(g, result, 2 * PANEL, panelTop);
        }
        g.dispose();
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the image (" + e.getMessage() + ")", e);
        }
    }

    private static void scatter(Graphics2D g, double[] points, int count, int left, int top, Color color) {
        frame(g, left, top);
        g.setColor(color);
        for (int i = 0; i < count; i++) {
            int x = left + pixel(points[2 * i]);
            int y = top + PANEL - 1 - pixel(points[2 * i + 1]);
            if (x > left && x < left + PANEL - 2 && y > top && y < top + PANEL - 2) {
                g.fillRect(x, y, 2, 2);
            }
        }
    }

    /** The flow's density on a GRID × GRID lattice, white (0) to black (its largest value). */
    private static void density(Graphics2D g, PlanarFlowFit.Result result, int left, int top) {
        double[] grid = new double[2 * GRID * GRID];
        for (int iy = 0; iy < GRID; iy++) {
            for (int ix = 0; ix < GRID; ix++) {
                int n = iy * GRID + ix;
                grid[2 * n] = -RANGE + (ix + 0.5) * 2 * RANGE / GRID;
                grid[2 * n + 1] = RANGE - (iy + 0.5) * 2 * RANGE / GRID;
            }
        }
        double[] logDensity = result.flow().logDensity(grid, null, GRID * GRID, new SplittableRandom(0));
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logDensity) {
            max = Math.max(max, v);
        }
        for (int iy = 0; iy < GRID; iy++) {
            for (int ix = 0; ix < GRID; ix++) {
                double shade = Math.exp(logDensity[iy * GRID + ix] - max);
                int level = (int) Math.round(255 * (1 - shade));
                g.setColor(new Color(level, level, level));
                int x0 = left + ix * PANEL / GRID;
                int y0 = top + iy * PANEL / GRID;
                g.fillRect(x0, y0, left + (ix + 1) * PANEL / GRID - x0, top + (iy + 1) * PANEL / GRID - y0);
            }
        }
        frame(g, left, top);
    }

    private static void frame(Graphics2D g, int left, int top) {
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(left, top, PANEL - 1, PANEL - 1);
    }

    /** Pixel offset of a coordinate within a panel (from the left, or from the bottom). */
    private static int pixel(double x) {
        return (int) Math.round((x + RANGE) / (2 * RANGE) * (PANEL - 1));
    }
}
