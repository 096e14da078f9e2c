package io.odestream.cli;

import io.odestream.cli.data.TrainingData;
import io.odestream.eval.mortality.MortalityArtifacts;
import io.odestream.eval.mortality.MortalityOutcomes;
import io.odestream.eval.mortality.MortalityReport;
import io.odestream.eval.mortality.MortalityTable;
import io.odestream.eval.physionet.ChannelAlignment;
import io.odestream.latent.LatentOdeTraining.Series;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream eval mortality}: ODE-Net against ResNet risk heads on the per-series latent state. */
@Command(name = "mortality", mixinStandardHelpOptions = true,
        description = {"In-hospital mortality on PhysioNet 2012 from the latent state the forecasting job keeps: a "
                + "latent ODE is trained on the set-a stays (no labels), its filter reads every stay up to 24 h and 48 h, "
                + "and classifier heads (ODE-Net by the adjoint and by back-propagation, ANODE, a ResNet at the ODE-Net's "
                + "parameter budget) are trained on the set-a states and scored by AUC on set-b.",
            "DIR holds set-a/, set-b/, Outcomes-a.txt and Outcomes-b.txt."})
final class MortalityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true,
            description = "The PhysioNet 2012 folder with set-a/, set-b/ and their Outcomes-a.txt, Outcomes-b.txt.")
    Path data;

    @Option(names = "--train-stays", paramLabel = "N", defaultValue = "1000",
            description = "Set-a stays to train on, evenly spread by RecordID (default ${DEFAULT-VALUE}).")
    int trainStays;

    @Option(names = "--test-stays", paramLabel = "N", defaultValue = "1000",
            description = "Set-b stays to score, evenly spread by RecordID (default ${DEFAULT-VALUE}).")
    int testStays;

    @Option(names = "--encoder-iterations", description = "Latent-ODE training iterations (default 300).")
    Integer encoderIterations;

    @Option(names = "--head-iterations", description = "Adam iterations per head (default 1500).")
    Integer headIterations;

    @Option(names = "--seed", description = "Initialisation and minibatch seed (default 1).")
    Long seed;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write the mortality section of a results page (e.g. docs/RESULTS.md), between its markers.")
    Path report;

    @Option(names = "--save-head", paramLabel = "DIR",
            description = "Also write the trained latent ODE (latent-ode.avro, to publish and serve) and every head "
                    + "(risk-head-<head>-<cutoff>.avro, for `run --risk-head`) as checksummed artifacts into DIR.")
    Path saveHead;

    @Override
    public Integer call() {
        MortalityTable.Settings d = MortalityTable.Settings.defaults();
        MortalityTable.Settings s = new MortalityTable.Settings(
                encoderIterations != null ? encoderIterations : d.encoderIterations(), d.encoderBatch(), d.latent(),
                d.hidden(), d.units(), d.window(), d.split(), d.encoderRate(), d.timeUnitHours(),
                headIterations != null ? headIterations : d.headIterations(), d.headBatch(), d.headRate(), d.width(),
                d.odeUnits(), d.augment(), d.resBlocks(), d.rtol(), d.atol(), d.every(), seed != null ? seed : d.seed());
        if (trainStays < 1 || testStays < 1) {
            throw new CommandFailedException("--train-stays and --test-stays must be >= 1");
        }
        Path setA = data.resolve("set-a");
        Path setB = data.resolve("set-b");
        for (Path p : List.of(setA, setB, data.resolve("Outcomes-a.txt"), data.resolve("Outcomes-b.txt"))) {
            if (!Files.exists(p)) {
                throw new CommandFailedException("no " + p.getFileName() + " under " + data.toAbsolutePath() + "; --data "
                        + "must be the PhysioNet 2012 folder with set-a/, set-b/, Outcomes-a.txt and Outcomes-b.txt");
            }
        }
        Selected train = select(read(setA), MortalityOutcomes.read(data.resolve("Outcomes-a.txt")), trainStays, setA);
        TrainingData testData = read(setB);
        Selected test = select(testData, MortalityOutcomes.read(data.resolve("Outcomes-b.txt")), testStays, setB);
        ChannelAlignment aligned = ChannelAlignment.toTraining(train.channels, testData.channels(), test.series);
        String rule = String.format(Locale.ROOT, "training: %d of the %d stays of set-a, test: %d of the %d stays of "
                + "set-b, each evenly spread by RecordID", train.series.size(), train.available, test.series.size(),
                test.available);
        MortalityTable.Result result = MortalityTable.run(train.series, train.died, aligned.stays(), test.died,
                train.channels.size(), s, System.err, rule,
                saveHead == null ? null : new MortalityArtifacts(saveHead, train.channels));
        PrintWriter out = spec.commandLine().getOut();
        out.print(MortalityTable.markdown(result));
        if (report != null) {
            String command = "command: `odestream eval mortality --data " + data + " --train-stays " + trainStays
                    + " --test-stays " + testStays
                    + (encoderIterations != null ? " --encoder-iterations " + encoderIterations : "")
                    + (headIterations != null ? " --head-iterations " + headIterations : "")
                    + " --report " + report + "`";
            String time = String.format(Locale.ROOT, "wall time %.0f s (%d cores seen)", result.totalSeconds(),
                    Runtime.getRuntime().availableProcessors());
            MortalityReport.write(report, result, List.of(command, time));
            out.println("report section written to " + report);
        }
        if (saveHead != null) {
            out.println("latent ODE and risk heads written to " + saveHead + " (" + MortalityArtifacts.MODEL_FILE
                    + ", risk-head-*.avro)");
        }
        out.flush();
        return 0;
    }

    private record Selected(List<String> channels, List<Series> series, boolean[] died, int available) {
    }

    /** {@code count} stays evenly spread over the RecordID order, with their outcomes. */
    private static Selected select(TrainingData stays, Map<String, Boolean> outcomes, int count, Path folder) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < stays.ids().size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> Long.parseLong(stays.ids().get(i).trim())));
        int taken = Math.min(count, order.size());
        List<Series> series = new ArrayList<>(taken);
        boolean[] died = new boolean[taken];
        for (int k = 0; k < taken; k++) {
            int i = order.get((int) ((long) k * order.size() / taken));
            String id = stays.ids().get(i);
            Boolean outcome = outcomes.get(id);
            if (outcome == null) {
                throw new CommandFailedException("stay " + id + " of " + folder + " has no row in its outcomes file");
            }
            series.add(stays.series().get(i));
            died[k] = outcome;
        }
        return new Selected(stays.channels(), series, died, order.size());
    }

    private static TrainingData read(Path folder) {
        try {
            return TrainingData.fromPhysioNet(folder);
        } catch (RuntimeException e) {
            throw new CommandFailedException("cannot read the PhysioNet stays under " + folder + ": " + e.getMessage(), e);
        }
    }
}
