package io.odestream.cli;

import io.odestream.eval.ReportSection;
import io.odestream.eval.flow.PlanarFlowPlot;
import io.odestream.eval.flow.PlanarFlowReport;
import io.odestream.flow.PlanarDensity;
import io.odestream.flow.PlanarFlowFit;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code odestream eval cnf-2d}: continuous normalizing flows trained on the three seeded 2-D
 * densities, their test NLL against the full-covariance Gaussian, and the picture of data, samples
 * and density (io.odestream.flow.PlanarFlowFit is the recipe).
 */
@Command(name = "cnf-2d", mixinStandardHelpOptions = true,
        description = {"Trains a continuous normalizing flow (maximum likelihood, adjoint gradients) on each of three "
                + "2-D densities drawn from fixed seeds (two moons, eight Gaussians on a ring, concentric rings) and "
                + "prints the test NLL beside a full-covariance Gaussian's.",
            "Writes DIR/cnf-2d.md (the table), DIR/cnf-2d.png (test data | flow samples | flow density); with "
                + "--report the section of a results page, with --image a copy of the picture (e.g. docs/img/cnf-2d.png)."})
final class Cnf2dCommand implements Callable<Integer> {
    private static final String PICTURE = "cnf-2d.png";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the table and the picture.")
    Path out;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the cnf-2d section of a results page "
            + "(e.g. docs/RESULTS.md).")
    Path report;

    @Option(names = "--image", paramLabel = "FILE", description = "Also write the picture here (e.g. docs/img/cnf-2d.png); "
            + "the report links to it relative to the report's folder.")
    Path image;

    @Option(names = "--hidden", defaultValue = "64", description = "Hidden tanh units (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--iterations", defaultValue = "1000", description = "Adam steps per density (default "
            + "${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--batch", defaultValue = "128", description = "Points per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--learning-rate", defaultValue = "0.02", description = "Adam's learning rate (default "
            + "${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--samples", defaultValue = "2000", description = "Flow samples drawn per density for the "
            + "picture (default ${DEFAULT-VALUE}).")
    int samples;

    @Override
    public Integer call() {
        System.setProperty("java.awt.headless", "true");
        PrintWriter console = spec.commandLine().getOut();
        PlanarFlowFit settings;
        try {
            settings = new PlanarFlowFit(hidden, iterations, batch, learningRate, 4000, 2000);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage(), e);
        }
        List<PlanarFlowFit.Result> results = new ArrayList<>();
        for (PlanarDensity density : PlanarDensity.values()) {
            int every = Math.max(1, iterations / 10);
            PlanarFlowFit.Result result = settings.fit(density, (i, loss) -> {
                if ((i + 1) % every == 0) {
                    System.err.printf(Locale.ROOT, "%s: step %d/%d, batch NLL %.3f%n", density.label(), i + 1,
                            iterations, loss);
                }
            });
            results.add(result);
            System.err.printf(Locale.ROOT, "%s: test NLL flow %.3f, Gaussian %.3f (%.0f s)%n", density.label(),
                    result.flowNll(), result.gaussianNll(), result.seconds());
        }
        String table = PlanarFlowReport.table(results);
        console.print(table);
        console.flush();
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("cnf-2d.md"), table, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandFailedException(out + ": cannot write the results (" + e.getMessage() + ")", e);
        }
        try {
            Path picture = out.resolve(PICTURE);
            PlanarFlowPlot.write(results, samples, 5, picture);
            if (image != null) {
                if (image.toAbsolutePath().getParent() != null) {
                    Files.createDirectories(image.toAbsolutePath().getParent());
                }
                Files.copy(picture, image, StandardCopyOption.REPLACE_EXISTING);
            }
            if (report != null) {
                Path linked = image != null ? image : picture;
                Path base = report.toAbsolutePath().getParent();
                String link = base.relativize(linked.toAbsolutePath()).toString().replace('\\', '/');
                String command = String.format(Locale.ROOT, "odestream eval cnf-2d --hidden %d --iterations %d "
                        + "--batch %d --learning-rate %s", hidden, iterations, batch, learningRate);
                ReportSection.write(report, PlanarFlowReport.BEGIN, PlanarFlowReport.END, PlanarFlowReport.HEADING,
                        PlanarFlowReport.section(results, settings, command, link));
            }
        } catch (UncheckedIOException e) {
            throw new CommandFailedException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailedException(image + ": cannot write the picture (" + e.getMessage() + ")", e);
        }
        return 0;
    }
}
