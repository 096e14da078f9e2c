package io.odestream.job.cli;

import io.odestream.job.forecast.ResidualFlowFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code run --scorer gaussian|cnf --scorer-file PATH}: which density the anomaly score is the surprisal of. */
public final class ScorerOptions {
    /** The anomaly scores {@code run} offers. */
    public enum Scorer { GAUSSIAN, CNF }

    @Option(names = "--scorer", defaultValue = "gaussian", paramLabel = "gaussian|cnf",
            converter = ScorerConverter.class,
            description = "The anomaly score: gaussian (default) = -log of the latent ODE's Gaussian predictive "
                    + "density; cnf = -log of a conditional normalizing flow over the observation's standardised "
                    + "residuals (given the gap), read from --scorer-file, for residuals that are skewed, heavy-tailed "
                    + "or correlated across channels. An observation with a channel missing, or after a swap to a "
                    + "model with another channel count than the flow's, keeps the Gaussian score. Shadow "
                    + "evaluation always compares models by the Gaussian density.")
    Scorer scorer;

    @Option(names = "--scorer-file", paramLabel = "PATH",
            description = "The flow scorer for --scorer cnf (write one with `odestream eval cnf-demo --out PATH`). "
                    + "Read once here and shipped inside the job: TaskManagers need no copy.")
    Path file;

    /** The flow to ship with the job, validated; null for the Gaussian score. */
    public ResidualFlowFile load() {
        if (scorer == Scorer.GAUSSIAN) {
            if (file != null) {
                throw new IllegalArgumentException("--scorer-file is only read with --scorer cnf (the scorer is "
                        + "gaussian); add --scorer cnf or drop --scorer-file");
            }
            return null;
        }
        if (file == null) {
            throw new IllegalArgumentException("--scorer cnf needs --scorer-file PATH (write one with "
                    + "`odestream eval cnf-demo --out PATH`)");
        }
        try {
            return ResidualFlowFile.read(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--scorer-file " + e.getMessage(), e);
        }
    }

    /** Case-insensitive names, so the help's lower-case spelling is what one types. */
    static final class ScorerConverter implements picocli.CommandLine.ITypeConverter<Scorer> {
        @Override
        public Scorer convert(String value) {
            for (Scorer s : Scorer.values()) {
                if (s.name().equalsIgnoreCase(value)) {
                    return s;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a scorer: gaussian or cnf");
        }
    }
}
