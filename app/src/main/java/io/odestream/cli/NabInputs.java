package io.odestream.cli;

import io.odestream.eval.nab.CostProfile;
import io.odestream.eval.nab.NabJsonReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * NAB's inputs of {@code eval nab} and {@code eval nab-score}: the data folder, and label windows and cost
 * profiles that default to NAB's layout beside it, so both commands read a NAB copy the same way.
 */
final class NabInputs {
    @Option(names = "--data", paramLabel = "DIR", required = true,
            description = "NAB's data folder: <category>/<name>.csv with timestamp,value.")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Label windows (default: DATA/../labels/combined_windows.json).")
    Path labels;

    @Option(names = "--profiles", paramLabel = "FILE",
            description = "Cost profiles (default: DATA/../config/profiles.json if it exists, else NAB's three: "
                    + "standard, reward_low_FP_rate, reward_low_FN_rate).")
    Path profiles;

    /** --data, checked first: the data set is not in this repository, so a clear error beats a stack trace. */
    Path data() {
        if (!Files.isDirectory(data)) {
            throw new CommandFailedException("no NAB data folder at " + data.toAbsolutePath() + "; pass --data DIR, "
                    + "the data/ folder of a copy of the Numenta Anomaly Benchmark (github.com/numenta/NAB: "
                    + "data/<category>/<name>.csv, with labels/ and config/ beside it)");
        }
        return data;
    }

    /** The NAB copy's root: --data's parent, where labels/, config/ and final_results.json live. */
    Path nabRoot() {
        return data().toAbsolutePath().getParent();
    }

    /** --labels, or NAB's combined windows beside --data; either must exist. */
    Path labelsFile() {
        Path file = labels != null ? labels : nabRoot().resolve("labels/combined_windows.json");
        if (!Files.isRegularFile(file)) {
            throw new CommandFailedException("no label windows at " + file
                    + (labels == null ? " (the default inside --data's parent)" : "")
                    + "; pass --labels FILE (NAB's labels/combined_windows.json)");
        }
        return file;
    }

    /** --profiles, or NAB's config/profiles.json beside --data, or NAB's three built-in profiles. */
    List<CostProfile> costProfiles() {
        if (profiles != null) {
            return NabJsonReader.readProfiles(profiles);
        }
        Path defaultFile = nabRoot().resolve("config/profiles.json");
        return Files.isRegularFile(defaultFile) ? NabJsonReader.readProfiles(defaultFile)
                : List.of(CostProfile.STANDARD, CostProfile.REWARD_LOW_FP_RATE, CostProfile.REWARD_LOW_FN_RATE);
    }
}
