package io.odestream.cli;

import io.odestream.eval.nab.CostProfile;
import io.odestream.eval.nab.NabInputException;
import io.odestream.eval.nab.NabJsonReader;
import io.odestream.eval.nab.NabResultsCorpus;
import io.odestream.eval.nab.NabScorer;
import io.odestream.eval.nab.NabScores;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream eval}: measures anomaly detection against public benchmarks. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measures anomaly detection against public benchmarks (the Numenta Anomaly Benchmark).",
        subcommands = {EvalCommand.NabScore.class})
final class EvalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code odestream eval nab-score}: NAB's scorer over a detector's results files. */
    @Command(name = "nab-score", mixinStandardHelpOptions = true,
            description = {"Scores a detector's results with the Numenta Anomaly Benchmark's rules: probationary period "
                    + "(first 15 %%, at most 750 rows), scaled sigmoid inside and after label windows, earliest detection "
                    + "per window, FP/FN weights per profile, one threshold per profile optimised over all files scored.",
                "Prints the normalised score per profile (0 = null detector, 100 = perfect; both computed from the "
                    + "windows of the files scored, so a subset of NAB's series works) and per file the raw score and "
                    + "TP/FP/FN/TN counts over non-probationary rows.",
                "Results layout (NAB's): RESULTS/<category>/<detector>_<name>.csv (or <name>.csv) with columns "
                    + "timestamp,value,anomaly_score,label (extra columns allowed), one row per row of "
                    + "DATA/<category>/<name>.csv, anomaly_score in [0,1]. Results files without a data file are "
                    + "listed and skipped; bad input fails with the file and line."})
    static final class NabScore implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", required = true,
                description = "NAB's data folder: <category>/<name>.csv with timestamp,value.")
        Path data;

        @Option(names = "--results", paramLabel = "DIR", required = true,
                description = "The detector's results folder, e.g. NAB's results/<detector>.")
        Path results;

        @Option(names = "--labels", paramLabel = "FILE",
                description = "Label windows (default: DATA/../labels/combined_windows.json).")
        Path labels;

        @Option(names = "--profiles", paramLabel = "FILE",
                description = "Cost profiles (default: DATA/../config/profiles.json if it exists, else NAB's three: "
                        + "standard, reward_low_FP_rate, reward_low_FN_rate).")
        Path profiles;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path nabRoot = data.toAbsolutePath().getParent();
            Path labelsFile = labels != null ? labels : nabRoot.resolve("labels/combined_windows.json");
            if (labels == null && !Files.isRegularFile(labelsFile)) {
                throw new CommandFailedException("no label windows at " + labelsFile + " (the default inside --data's "
                        + "parent); pass --labels FILE (NAB's labels/combined_windows.json)");
            }
            try {
                List<CostProfile> costProfiles = costProfiles(nabRoot);
                NabResultsCorpus corpus = NabResultsCorpus.load(data, results, labelsFile);
                for (Path skipped : corpus.unmatched()) {
                    err.println("skipped " + skipped + ": no data file of that name under " + data);
                }
                NabScores scores = NabScorer.score(corpus.series(), costProfiles);
                out.print(scores.table());
                out.flush();
                err.flush();
                return 0;
            } catch (NabInputException | UncheckedIOException e) {
                throw new CommandFailedException(e.getMessage(), e);
            }
        }

        private List<CostProfile> costProfiles(Path nabRoot) {
            if (profiles != null) {
                return NabJsonReader.readProfiles(profiles);
            }
            Path defaultFile = nabRoot.resolve("config/profiles.json");
            return Files.isRegularFile(defaultFile) ? NabJsonReader.readProfiles(defaultFile)
                    : List.of(CostProfile.STANDARD, CostProfile.REWARD_LOW_FP_RATE, CostProfile.REWARD_LOW_FN_RATE);
        }
    }
}
