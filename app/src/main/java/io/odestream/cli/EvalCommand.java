package io.odestream.cli;

import io.odestream.cli.data.TrainingData;
import io.odestream.eval.detector.DetectorSettings;
import io.odestream.eval.detector.LatentOdeDetector;
import io.odestream.eval.detector.Seasonality;
import io.odestream.eval.nab.CostProfile;
import io.odestream.eval.nab.NabDetectorRun;
import io.odestream.eval.nab.NabInputException;
import io.odestream.eval.nab.NabJsonReader;
import io.odestream.eval.nab.NabReport;
import io.odestream.eval.nab.NabResultsCorpus;
import io.odestream.eval.nab.NabScorer;
import io.odestream.eval.nab.NabScores;
import io.odestream.eval.nab.SeedSpread;
import io.odestream.eval.physionet.ChannelAlignment;
import io.odestream.eval.physionet.MinMaxNormalisation;
import io.odestream.eval.physionet.PaperProtocol;
import io.odestream.eval.physionet.PhysioNetReport;
import io.odestream.eval.physionet.PhysioNetSplit;
import io.odestream.eval.physionet.PhysioNetTable;
import io.odestream.eval.spiral.SpiralTable;
import io.odestream.latent.LevelShift;
import io.odestream.latent.FromStartTraining;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.latent.ScoreMode;
import io.odestream.latent.SeasonalBaseline;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream eval}: measures anomaly detection against public benchmarks. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measures anomaly detection against public benchmarks (the Numenta Anomaly Benchmark).",
        subcommands = {EvalCommand.NabScore.class, EvalCommand.Nab.class, EvalCommand.Spirals.class,
                EvalCommand.PhysioNet.class, CalibrationCommand.class, Cnf2dCommand.class,
                CnfDemoCommand.class,
                MortalityCommand.class, EcgBeatsCommand.class})
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

        @Mixin
        NabInputs nab;

        @Option(names = "--results", paramLabel = "DIR", required = true,
                description = "The detector's results folder, e.g. NAB's results/<detector>.")
        Path results;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path data = nab.data();
            Path labelsFile = nab.labelsFile();
            try {
                List<CostProfile> costProfiles = nab.costProfiles();
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
    }

    /** {@code odestream eval spirals}: Chen et al. 2018's Table 2 (irregular spirals) with our models. */
    @Command(name = "spirals", mixinStandardHelpOptions = true,
            description = {"Reproduces Chen et al. 2018, Table 2 (predictive RMSE on irregularly sampled spirals, "
                    + "30/50/100 observed points) with odestream's latent ODE (ODE-RNN and RNN encoders) and the "
                    + "RNN-Δt baseline: generates the spirals as torchdiffeq's examples/latent_ode.py does, trains "
                    + "every chosen model per column, prints progress to stderr and the Markdown table (beside the "
                    + "paper's numbers) to stdout.",
                "The protocol and where it differs from the paper: io.odestream.eval.spiral.SpiralTable, docs/RESULTS.md."})
    static final class Spirals implements Callable<Integer> {
        @Option(names = "--iterations", defaultValue = "2000", description = "Training iterations per model and "
                + "column (default ${DEFAULT-VALUE}, the paper's; 1000 take ~27 min on 2 cores).")
        int iterations;

        @Option(names = "--spirals", defaultValue = "1000", description = "Spirals generated (default ${DEFAULT-VALUE}).")
        int spirals;

        @Option(names = "--counts", split = ",", defaultValue = "30,50,100",
                description = "Observed points per spiral, one column each (default ${DEFAULT-VALUE}).")
        int[] counts;

        @Option(names = "--batch", defaultValue = "50", description = "Spirals per iteration (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--seed", defaultValue = "1", description = "Data, training and sampling seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--models", defaultValue = "latent-ode,latent-ode-rnn,rnn", description = "The rows to train "
                + "and score, comma-separated (default ${DEFAULT-VALUE}, every row); a row run alone gives the same "
                + "numbers as in a full run, e.g. --models latent-ode-rnn to regenerate that row.")
        String models;

        @Override
        public Integer call() {
            SpiralTable.Settings paper = SpiralTable.Settings.paper();
            SpiralTable.Settings settings = new SpiralTable.Settings(spirals, counts, iterations, batch, paper.samples(),
                    paper.rtol(), paper.atol(), paper.every(), seed, SpiralTable.Model.parse(models));
            System.out.print(SpiralTable.markdown(SpiralTable.run(settings, System.err)));
            return 0;
        }
    }

    /** {@code odestream eval physionet}: Rubanova et al. 2019's PhysioNet 2012 table with our models. */
    @Command(name = "physionet", mixinStandardHelpOptions = true,
            description = {"Reproduces Rubanova et al. 2019, Tables 4-5 (PhysioNet 2012 interpolation and extrapolation "
                    + "MSE on min-max normalised values) on the shared 500 set-a stays: every 5th stay by RecordID is a "
                    + "test stay (100), the rest train (400); trains the chosen models, scores the test stays, prints "
                    + "progress to stderr and the Markdown table (beside the paper's numbers) to stdout.",
                "Interpolation = one-step-ahead forecast of each observation from the ones before it; extrapolation = "
                    + "condition on the first 24 h, forecast the rest; reconstruction (the paper's interpolation, read "
                    + "causally) and 90%% interval coverage and PIT deviation beside them. Every model is also scored "
                    + "with the GRU-D decay skip fitted around it. With --train DIR --test DIR the test stays come "
                    + "from another folder (e.g. set-b). Protocol: io.odestream.eval.physionet.PhysioNetTable."})
    static final class PhysioNet implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR",
                description = "The set-a folder of <RecordID>.txt stays (PhysioNet/CinC Challenge 2012, e.g. .../set-a); "
                        + "every 5th stay by RecordID is a test stay. Or give --train and --test. With "
                        + "--paper-protocol it may be given more than once (e.g. set-a and set-b): the stays of all "
                        + "of them, on the first folder's channels, split the same way.")
        List<Path> dataFolders;

        @Option(names = "--paper-protocol",
                description = "Instead of the streaming table: Rubanova et al.'s own protocol for the latent ODE "
                        + "(their sizes; the ODE-RNN encoder reads the whole stay backwards; trained on their "
                        + "objective; interpolation = reconstruction of every observed value from all of them). "
                        + "--iterations (default 300), --batch (stays, default 50), --latent (20), --hidden (40), "
                        + "--units (50), --lr, --every, --seed apply. Protocol: io.odestream.eval.physionet.PaperProtocol.")
        boolean paperProtocol;

        @Option(names = "--paper-objectives", split = ",", paramLabel = "NAME",
                description = "With --paper-protocol: one model trained per objective, of reconstruction (the "
                        + "paper's interpolation), extrapolation (default: reconstruction).")
        List<String> paperObjectives;

        @Option(names = "--paper-save", paramLabel = "DIR",
                description = "With --paper-protocol: write each model as an artifact under DIR at every progress "
                        + "line (paper-<objective>.artifact), so a long run can be scored where it stopped.")
        Path paperSave;

        @Option(names = "--paper-encoder-step", paramLabel = "H",
                description = "With --paper-protocol: the encoder's fixed Euler step in model time units (default "
                        + "0.02, the paper's code: a fiftieth of the span); 0 = adaptive dopri5 like the decoder.")
        Double encoderStep;

        @Option(names = "--paper-load", paramLabel = "FILE",
                description = "With --paper-protocol: score this saved model (from --paper-save) instead of "
                        + "training; --paper-objectives names what it was trained for.")
        Path paperLoad;

        @Option(names = "--paper-warm-start", paramLabel = "FILE",
                description = "With --paper-protocol: train each objective's model on from this saved model (from "
                        + "--paper-save, trained on the same --data) instead of a fresh one; its sizes are kept, the KL "
                        + "weight goes on from the iterations it had, and --lr starts a new tenfold decay (e.g. 0.001 "
                        + "to go on where a run at the default 0.01 ended).")
        Path paperWarmStart;

        @Option(names = "--paper-samples", paramLabel = "K",
                description = "With --paper-protocol: predict each value as the mean of K posterior draws of z0 "
                        + "decoded (the predictive mean, which minimises the squared error) instead of decoding "
                        + "z0's posterior mean (default 0: the posterior mean).")
        Integer paperSamples;

        @Option(names = "--train", paramLabel = "DIR",
                description = "A folder of training stays (instead of --data; with --test), e.g. .../set-a.")
        Path trainData;

        @Option(names = "--test", paramLabel = "DIR",
                description = "A folder of test stays scored by the models trained on --train, e.g. .../set-b.")
        Path testData;

        @Option(names = "--train-stays", paramLabel = "N",
                description = "Train on N of the training stays (all when fewer), evenly spread by RecordID (with --train; "
                        + "for MSE against training-set size at a fixed budget).")
        Integer trainStays;

        @Option(names = "--test-stays", paramLabel = "N",
                description = "Score N of the --test stays (all when fewer), evenly spread by RecordID (default: all).")
        Integer testStays;

        @Option(names = "--models", split = ",", paramLabel = "NAME",
                description = "Models to train, of rnn-dt, ode-rnn, latent-ode-rnn, latent-ode (default: all); the "
                        + "last-value baseline always runs.")
        List<String> models;

        @Option(names = "--iterations",
                description = "Adam iterations per model (default 1000: the whole run ~20 min on 2 cores).")
        Integer iterations;

        @Option(names = "--batch", description = "Windows (latent ODE) or stays per iteration (default 20).")
        Integer batch;

        @Option(names = "--latent", description = "Latent state size (default 16).")
        Integer latent;

        @Option(names = "--hidden", description = "GRU state size of every model (default 32).")
        Integer hidden;

        @Option(names = "--units", description = "Hidden width of every ODE's dynamics network (default 32).")
        Integer units;

        @Option(names = "--window", description = "Observations per latent-ODE training window (default 40).")
        Integer window;

        @Option(names = "--split", description = "Context observations of a window (default 20).")
        Integer split;

        @Option(names = "--samples", description = "Posterior samples per latent-ODE forecast (default 10).")
        Integer samples;

        @Option(names = "--time-unit-hours", description = "One unit of model time for every model (default 48, "
                + "Rubanova's t / max t over the 48 h).")
        Double timeUnitHours;

        @Option(names = "--lr", description = "Adam's (initial) learning rate (default 0.01).")
        Double lr;

        @Option(names = "--every", description = "A progress line every N iterations (default 100).")
        Integer every;

        @Option(names = "--seed", description = "Initialisation, minibatch and sampling seed (default 1).")
        Long seed;

        @Option(names = "--report", paramLabel = "FILE",
                description = "Also write the PhysioNet section of a results page (e.g. docs/RESULTS.md), replacing "
                        + "the previous one (between <!-- physionet:begin/end --> markers).")
        Path report;

        @Override
        public Integer call() {
            if (paperProtocol) {
                return paper();
            }
            if (paperObjectives != null || paperSave != null || paperLoad != null || paperWarmStart != null
                    || paperSamples != null) {
                throw new CommandFailedException("--paper-objectives, --paper-save, --paper-load, --paper-samples and "
                        + "--paper-warm-start need --paper-protocol");
            }
            if (dataFolders != null && dataFolders.size() > 1) {
                throw new CommandFailedException("the streaming table reads one --data folder; give --train and --test "
                        + "for two, or --paper-protocol");
            }
            Path data = dataFolders == null ? null : dataFolders.get(0);
            PhysioNetTable.Settings d = PhysioNetTable.Settings.defaults();
            PhysioNetTable.Settings settings;
            try {
                settings = new PhysioNetTable.Settings(models != null ? models : d.models(),
                        or(iterations, d.iterations()), or(batch, d.batchSize()), or(latent, d.latent()),
                        or(hidden, d.hidden()), or(units, d.units()), or(window, d.window()), or(split, d.split()),
                        or(samples, d.samples()), d.rtol(), d.atol(), lr != null ? lr : d.learningRate(),
                        timeUnitHours != null ? timeUnitHours : d.timeUnitHours(), or(every, d.every()),
                        seed != null ? seed : d.seed());
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException(e.getMessage(), e);
            }
            PhysioNetTable.Result result;
            if (data != null) {
                if (trainData != null || testData != null || trainStays != null || testStays != null) {
                    throw new CommandFailedException("give either --data DIR (split by RecordID) or --train DIR --test "
                            + "DIR [--train-stays N] [--test-stays N], not both");
                }
                TrainingData stays = read(data, "--data");
                result = PhysioNetTable.run(stays.ids(), stays.series(), stays.channels(), settings, System.err);
            } else {
                if (trainData == null || testData == null) {
                    throw new CommandFailedException("give --data DIR (every 5th stay by RecordID is a test stay), or "
                            + "both --train DIR and --test DIR");
                }
                TrainingData train = read(trainData, "--train");
                TrainingData test = read(testData, "--test");
                List<LatentOdeTraining.Series> trainSeries;
                List<LatentOdeTraining.Series> testSeries;
                try {
                    trainSeries = PhysioNetSplit.evenlySpread(train.ids(), train.series(),
                            trainStays != null ? trainStays : train.series().size());
                    testSeries = PhysioNetSplit.evenlySpread(test.ids(), test.series(),
                            testStays != null ? testStays : test.series().size());
                } catch (IllegalArgumentException e) {
                    throw new CommandFailedException(e.getMessage(), e);
                }
                ChannelAlignment aligned = ChannelAlignment.toTraining(train.channels(), test.channels(), testSeries);
                if (!aligned.dropped().isEmpty()) {
                    System.err.println("physionet: channels only in the test stays, not scored: " + aligned.dropped());
                }
                result = PhysioNetTable.run(trainSeries, aligned.stays(), train.channels(), settings, System.err,
                        String.format(Locale.ROOT, "%d of the %d stays of %s; training stays %d of the %d of %s",
                                testSeries.size(), test.series().size(), testData, trainSeries.size(),
                                train.series().size(), trainData));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(PhysioNetTable.markdown(result));
            if (report != null) {
                String command = "command: `odestream eval physionet "
                        + (data != null ? "--data " + data : "--train " + trainData + " --test " + testData)
                        + (trainStays != null ? " --train-stays " + trainStays : "")
                        + (testStays != null ? " --test-stays " + testStays : "")
                        + (models != null ? " --models " + String.join(",", models) : "")
                        + (iterations != null ? " --iterations " + iterations : "") + " --report " + report + "`";
                double cpu = ProcessHandle.current().info().totalCpuDuration().map(t -> t.toMillis() / 1000.0)
                        .orElse(Double.NaN);
                String time = String.format(Locale.ROOT, "wall time %.0f s, process CPU time %.0f s (%d cores seen)",
                        result.totalSeconds(), cpu, Runtime.getRuntime().availableProcessors());
                PhysioNetReport.writeSection(report, PhysioNetReport.section(result, List.of(command, time)));
                out.println("report section written to " + report);
            }
            out.flush();
            return 0;
        }

        private static int or(Integer value, int fallback) {
            return value != null ? value : fallback;
        }

        /** {@code --paper-protocol}: the paper's model, objective and metrics on an 80/20 split by RecordID. */
        private Integer paper() {
            if (dataFolders == null || trainData != null || testData != null) {
                throw new CommandFailedException("--paper-protocol reads --data DIR [--data DIR ...] (every 5th stay by "
                        + "RecordID is a test stay, as the paper's 80/20 split)");
            }
            PaperProtocol.Settings d = PaperProtocol.Settings.defaults();
            PaperProtocol.Settings settings;
            List<FromStartTraining.Objective> objectives = new java.util.ArrayList<>();
            try {
                for (String name : paperObjectives != null ? paperObjectives : List.of("reconstruction")) {
                    objectives.add(FromStartTraining.Objective.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                }
                settings = new PaperProtocol.Settings(objectives, or(iterations, d.iterations()),
                        or(batch, d.batchSize()), or(latent, d.latent()), or(hidden, d.hidden()), or(units, d.units()),
                        d.layers(), lr != null ? lr : d.learningRate(), d.rtol(), d.atol(),
                        timeUnitHours != null ? timeUnitHours : d.timeUnitHours(), or(every, d.every()),
                        seed != null ? seed : d.seed(), paperSave,
                        encoderStep != null ? encoderStep : d.encoderStep(), paperWarmStart,
                        or(paperSamples, d.predictiveSamples()));
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException("--paper-objectives takes reconstruction, extrapolation; "
                        + e.getMessage(), e);
            }
            TrainingData first = read(dataFolders.get(0), "--data");
            List<String> ids = new java.util.ArrayList<>(first.ids());
            List<LatentOdeTraining.Series> series = new java.util.ArrayList<>(first.series());
            for (Path more : dataFolders.subList(1, dataFolders.size())) {
                TrainingData next = read(more, "--data");
                ChannelAlignment aligned = ChannelAlignment.toTraining(first.channels(), next.channels(), next.series());
                if (!aligned.dropped().isEmpty()) {
                    System.err.println("physionet: channels of " + more + " not in " + dataFolders.get(0) + ", dropped: "
                            + aligned.dropped());
                }
                ids.addAll(next.ids());
                series.addAll(aligned.stays());
            }
            PhysioNetSplit split = PhysioNetSplit.of(ids, series);
            MinMaxNormalisation scaling = MinMaxNormalisation.fromTraining(split.train(), first.channels().size());
            List<LatentOdeTraining.Series> train = scaling.apply(split.train());
            List<LatentOdeTraining.Series> test = scaling.apply(split.test());
            String where = dataFolders.stream().map(Path::toString).collect(Collectors.joining(" + "))
                    + ", every 5th stay by RecordID a test stay";
            if (paperLoad != null && paperWarmStart != null) {
                throw new CommandFailedException("--paper-load scores a saved model, --paper-warm-start trains one on: "
                        + "give one of them");
            }
            if (paperWarmStart != null && !Files.isRegularFile(paperWarmStart)) {
                throw new CommandFailedException("no saved model at " + paperWarmStart.toAbsolutePath()
                        + " for --paper-warm-start (a paper-<objective>.artifact written by --paper-save)");
            }
            PaperProtocol.Result result;
            if (paperLoad != null) {
                long start = System.nanoTime();
                PaperProtocol.Row row = PaperProtocol.scoreSaved(paperLoad, objectives.get(0), settings, test, scaling);
                result = new PaperProtocol.Result(settings, train.size(), test.size(), where + "; model " + paperLoad,
                        List.of(row), (System.nanoTime() - start) / 1e9);
            } else {
                try {
                    result = PaperProtocol.run(train, test, scaling, settings, System.err, where);
                } catch (IllegalArgumentException e) {
                    throw new CommandFailedException(e.getMessage(), e);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(PaperProtocol.markdown(result));
            if (report != null) {
                String command = "command: `odestream eval physionet --paper-protocol "
                        + dataFolders.stream().map(p -> "--data " + p).collect(Collectors.joining(" "))
                        + " --paper-objectives " + objectives.stream().map(o -> o.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(","))
                        + (iterations != null ? " --iterations " + iterations : "")
                        + (batch != null ? " --batch " + batch : "") + (lr != null ? " --lr " + lr : "")
                        + (paperWarmStart != null ? " --paper-warm-start " + paperWarmStart : "")
                        + (paperLoad != null ? " --paper-load " + paperLoad : "")
                        + (paperSamples != null ? " --paper-samples " + paperSamples : "") + " --report " + report + "`";
                PaperProtocol.writeSection(report, result, List.of(command));
                out.println("report section written to " + report);
            }
            out.flush();
            return 0;
        }

        private static TrainingData read(Path folder, String option) {
            if (!Files.isDirectory(folder)) {
                throw new CommandFailedException("no PhysioNet folder at " + folder.toAbsolutePath() + "; pass " + option
                        + " DIR, a folder of <RecordID>.txt stays of the PhysioNet/CinC Challenge 2012 "
                        + "(physionet.org/content/challenge-2012)");
            }
            try {
                return TrainingData.fromPhysioNet(folder);
            } catch (RuntimeException e) {
                throw new CommandFailedException("cannot read the PhysioNet stays under " + folder + " (" + option + "): "
                        + e.getMessage(), e);
            }
        }
    }

    /** {@code odestream eval nab}: odestream's own detector over NAB's series, then NAB's scorer. */
    @Command(name = "nab", mixinStandardHelpOptions = true,
            description = {"Runs odestream's anomaly detector over every series of a NAB data folder, strictly online, "
                    + "writes NAB-layout results and scores them with NAB's rules (as nab-score does).",
                "Per series: a small latent ODE is fitted on the probationary rows (first 15 %%, at most 750) — no "
                    + "scores there, no model exists yet; then the filter scores every row before absorbing it "
                    + "(negative log predictive density), and the alert policy turns the score into a calibrated "
                    + "anomaly probability (tail probability among the series' recent scores) with one alert per "
                    + "incident. One set of hyper-parameters for all series; series run in parallel.",
                "Results: OUT/<category>/odestream_<name>.csv with timestamp,value,anomaly_score,raw_score,label."})
    static final class Nab implements Callable<Integer> {
        /** Option defaults the report's command line leaves out (it names only what differs). */
        private static final String DEFAULT_SCORE_MODE = "sigma-points";
        private static final String DEFAULT_LEVEL_SHIFT = "6,8";
        private static final String OURS = "odestream (latent-ODE filter + alert policy)";

        @Spec
        CommandSpec spec;

        @Mixin
        NabInputs nab;

        @Option(names = "--out", paramLabel = "DIR", required = true,
                description = "Where the results files go (created; files of earlier runs are overwritten).")
        Path out;

        @Option(names = "--threads", paramLabel = "N",
                description = "Series run in parallel (default: the number of cores). Results do not depend on it.")
        int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--report", paramLabel = "FILE",
                description = "Also write the NAB section of a results page (e.g. docs/RESULTS.md): the table beside "
                        + "NAB's published scoreboard (DATA/../final_results.json), replacing the previous section.")
        Path report;

        @Option(names = "--no-progress", description = "No progress bar (for logs).")
        boolean noProgress;

        @Option(names = "--scorer", defaultValue = "gaussian", paramLabel = "gaussian|cnf",
                description = "The anomaly score the alert policy judges: the Gaussian predictive density (default), or "
                        + "cnf, a conditional flow over the standardised residuals fitted per series on its fit rows' "
                        + "residuals (io.odestream.flow.ResidualFlowScorer).")
        String scorer;

        @Option(names = "--fine-tune-every", paramLabel = "ROWS", defaultValue = "0",
                description = "Continual learning: every ROWS scored rows a fine-tuning round (the fine-tuning job's "
                        + "windows, reservoir, round and candidate check, io.odestream.finetune.ContinualFineTuning) "
                        + "trains the series' model on the rows since the last round; a candidate that beats it on "
                        + "held-out windows scores the rows after it. 0 (default): the model stays as fitted.")
        int fineTuneEvery;

        @Option(names = "--fine-tune-iterations", paramLabel = "N", defaultValue = "30",
                description = "Adam iterations of a continual-learning round (default: ${DEFAULT-VALUE}).")
        int fineTuneIterations;

        @Option(names = "--fine-tune-recent-only",
                description = "A continual-learning round trains and checks on the windows since the last round only "
                        + "(the fine-tuning job's way); default: a uniform sample of every window since the first row.")
        boolean fineTuneRecentOnly;

        @Option(names = "--fine-tune-prequential",
                description = "A continual-learning candidate must also score the period's rows, run as one filter "
                        + "the way the detector runs it, no worse on average than the serving model.")
        boolean fineTunePrequential;

        @Option(names = "--score-mode", defaultValue = DEFAULT_SCORE_MODE, paramLabel = "monte-carlo|sigma-points|mean-path",
                description = "How the Gaussian score integrates the posterior: the posterior's 2L + 1 sigma points "
                        + "(default), the settings' Monte-Carlo samples, or the sigma points carried along the mean's "
                        + "path (one decoder row; io.odestream.latent.ScoreMode).")
        String scoreMode;

        @Option(names = "--level-shift", defaultValue = DEFAULT_LEVEL_SHIFT, paramLabel = "ROWS,STDS|off",
                description = "As the stream job's --level-shift: a series more than STDS of its model's training "
                        + "standard deviations from the training mean for ROWS rows in a row is re-centred there "
                        + "(default ${DEFAULT-VALUE}; off: never; io.odestream.latent.LevelShift).")
        String levelShift;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "" + DetectorSettings.DEFAULT_SEED,
                description = "Each series' model is initialised, trained and scored from this seed (default "
                        + "${DEFAULT-VALUE}). The scores move by several points between seeds: judge a change over "
                        + "several (docs/RESULTS.md).")
        long seed;

        @Option(names = "--seeds", paramLabel = "LIST",
                description = "Instead of --seed: runs the detector once per seed (e.g. 1-9 or 3,7,11), each into "
                        + "OUT/seed-N, and reports the mean of their scores, each seed's, and their spread.")
        String seeds;

        @Option(names = "--seasonal",
                description = "The model sees each row's residual from a per-series seasonal baseline (level plus "
                        + "harmonics of the time of day and week, io.odestream.latent.SeasonalBaseline) fitted on the "
                        + "fit rows and learned online from each row once scored; default: the values themselves.")
        boolean seasonal;

        @Option(names = "--seasonal-harmonics", paramLabel = "DAILY,WEEKLY", defaultValue = "3,3",
                description = "Sine/cosine pairs of the day and of the week in the seasonal baseline "
                        + "(default: ${DEFAULT-VALUE}).")
        String seasonalHarmonics;

        @Option(names = "--seasonal-kind", paramLabel = "shape|scale", defaultValue = "shape",
                description = "What the seasonal baseline models: shape, the values' periodic part, subtracted; or "
                        + "scale, the typical step size at each time of day and week, which each step is divided by "
                        + "(default: ${DEFAULT-VALUE}).")
        String seasonalKind;

        @Option(names = "--seasonal-memory-days", paramLabel = "DAYS", defaultValue = "14",
                description = "The seasonal baseline forgets rows with this time constant of event time "
                        + "(default: ${DEFAULT-VALUE}).")
        double seasonalMemoryDays;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (fineTuneEvery < 0 || fineTuneIterations < 1) {
                throw new CommandFailedException("--fine-tune-every must be >= 0 rows (0 = no continual learning) and "
                        + "--fine-tune-iterations >= 1, got " + fineTuneEvery + " and " + fineTuneIterations);
            }
            Seasonality seasonality = seasonalConfig();
            Path data = nab.data();
            Path labelsFile = nab.labelsFile();
            if (threads < 1) {
                throw new CommandFailedException("--threads must be >= 1, got " + threads);
            }
            List<Long> seedList = seedList();
            try {
                List<CostProfile> costProfiles = nab.costProfiles();
                var windows = NabJsonReader.readWindows(labelsFile);
                int seriesCount = (int) NabDetectorRun.dataFiles(data).stream().filter(windows::containsKey).count();
                List<SeedRun> runs = new ArrayList<>();
                try (ProgressBar progress = progressBar(seriesCount * seedList.size())) {
                    for (long s : seedList) {
                        DetectorSettings settings = DetectorSettings.defaults().withSeasonal(seasonality).withSeed(s);
                        Path seedOut = seeds == null ? this.out : this.out.resolve("seed-" + s);
                        NabDetectorRun.Result run = NabDetectorRun.run(detector(settings), data, labelsFile, seedOut,
                                threads, series -> {
                                    if (progress != null) {
                                        progress.setExtraMessage(series.name().substring(series.name().indexOf('/') + 1));
                                        progress.step();
                                    }
                                });
                        SeedRun seedRun = new SeedRun(settings, run, NabScorer.score(run.corpus().series(), costProfiles));
                        runs.add(seedRun);
                        if (seeds == null) {
                            out.print(seedRun.scores().table());
                        } else {
                            NabReport.Row r = seedRun.row();
                            out.printf(Locale.ROOT, "seed %d: standard %.2f, reward_low_FP_rate %.2f, reward_low_FN_rate "
                                    + "%.2f (thresholds %s; %s, %.0f s)%n", s, r.standard(), r.lowFp(), r.lowFn(),
                                    seedRun.thresholds(), seedOut, run.seconds());
                            out.flush();
                        }
                    }
                }
                SeedSpread spread = seeds == null ? null
                        : new SeedSpread(seedList, runs.stream().map(SeedRun::row).toList());
                List<String> runLines = runLines(runs, spread);
                out.println();
                runLines.forEach(out::println);
                if (report != null) {
                    writeReport(runs, spread, runLines);
                    out.println("report section written to " + report);
                }
                out.flush();
                return 0;
            } catch (NabInputException | UncheckedIOException e) {
                throw new CommandFailedException(e.getMessage(), e);
            }
        }

        /** One seed's run of the detector and its scores. */
        private record SeedRun(DetectorSettings settings, NabDetectorRun.Result run, NabScores scores) {
            NabReport.Row row() {
                return NabReport.ours(OURS, "", scores);
            }

            /** Each profile's optimised threshold: which rows counted as detections in this seed's run. */
            String thresholds() {
                return scores.profiles().stream().map(p -> Double.toString(p.threshold()))
                        .collect(Collectors.joining(" / "));
            }
        }

        /** --seed's one seed, or --seeds' list (not both). */
        private List<Long> seedList() {
            if (seeds == null) {
                return List.of(seed);
            }
            if (spec.commandLine().getParseResult().hasMatchedOption("--seed")) {
                throw new CommandFailedException("--seed and --seeds name the seeds twice: pass one of them");
            }
            try {
                return SeedSpread.parse(seeds);
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException("--seeds " + seeds + ": " + e.getMessage());
            }
        }

        /** The --level-shift rule, null when off. */
        private LevelShift levelShiftRule() {
            try {
                return LevelShift.parse(levelShift);
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException("--level-shift: " + e.getMessage());
            }
        }

        /** The seasonal baseline asked for, null without --seasonal. */
        private Seasonality seasonalConfig() {
            if (!seasonal) {
                return null;
            }
            String[] parts = seasonalHarmonics.split(",");
            try {
                if (parts.length != 2) {
                    throw new IllegalArgumentException("expected DAILY,WEEKLY, e.g. 3,3");
                }
                SeasonalBaseline.Config defaults = SeasonalBaseline.Config.defaults();
                return new Seasonality(new SeasonalBaseline.Config(Integer.parseInt(parts[0].trim()),
                        Integer.parseInt(parts[1].trim()), seasonalMemoryDays, defaults.priorRows()),
                        Seasonality.Kind.valueOf(seasonalKind.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException("--seasonal-harmonics " + seasonalHarmonics + " / --seasonal-kind "
                        + seasonalKind + " / --seasonal-memory-days " + seasonalMemoryDays + ": " + e.getMessage());
            }
        }

        /**
         * The detector with the chosen scorer (the flow's recipe: 16 hidden units, 300 Adam steps per
         * series) and continual learning when asked for.
         */
        private LatentOdeDetector detector(DetectorSettings settings) {
            LatentOdeDetector detector = switch (scorer) {
                case "gaussian" -> new LatentOdeDetector(settings);
                case "cnf" -> new LatentOdeDetector(settings).withFlowScorer(
                        new LatentOdeDetector.FlowScorerRecipe(16, 300));
                default -> throw new CommandFailedException("--scorer must be gaussian or cnf, got " + scorer);
            };
            try {
                detector = detector.withScoreMode(ScoreMode.fromOptionName(scoreMode));
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException("--score-mode: " + e.getMessage());
            }
            detector = detector.withLevelShift(levelShiftRule());
            return fineTuneEvery == 0 ? detector
                    : detector.withContinualLearning(settings.continualLearning(fineTuneEvery, fineTuneIterations, fineTuneRecentOnly,
                            fineTunePrequential));
        }

        private List<String> runLines(List<SeedRun> runs, SeedSpread spread) {
            long rows = runs.get(0).run().series().stream().mapToLong(NabDetectorRun.SeriesRun::rows).sum();
            double wall = runs.stream().mapToDouble(r -> r.run().seconds()).sum();
            // every series of every seed's run: the fits' time and the failures are summed over all of them
            List<NabDetectorRun.SeriesRun> all = runs.stream().flatMap(r -> r.run().series().stream()).toList();
            double fit = all.stream().mapToDouble(NabDetectorRun.SeriesRun::fitSeconds).sum();
            long diverged = all.stream().filter(NabDetectorRun.SeriesRun::fitDiverged).count();
            int failures = all.stream().mapToInt(NabDetectorRun.SeriesRun::solverFailures).sum();
            String perRun = runs.size() == 1 ? "" : " (all " + runs.size() + " seeds' runs together)";
            List<String> lines = new ArrayList<>();
            double cpu = ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 1000.0)
                    .orElse(Double.NaN);
            lines.add(String.format(Locale.ROOT, "%d series, %d rows: wall time %.0f s%s on %d thread(s) (%d cores "
                    + "seen), process CPU time %.0f s; the per-series model fits took %.0f s of wall time summed over the "
                    + "series (they run in parallel)", runs.get(0).run().series().size(), rows, wall, perRun, threads,
                    Runtime.getRuntime().availableProcessors(), cpu, fit));
            lines.add(String.format(Locale.ROOT, "fits stopped early on a non-finite loss: %d; rows whose score or "
                    + "update failed in the solver (filter restarted there): %d%s", diverged, failures, perRun));
            lines.add("settings (the same for every series): " + runs.get(0).settings()
                    + (spread == null ? "" : " (seed: each of " + seeds + ")") + "; scorer " + scorer + "; score mode "
                    + scoreMode + "; level shift " + levelShift);
            if (fineTuneEvery > 0) {
                int rounds = all.stream().mapToInt(NabDetectorRun.SeriesRun::fineTuningRounds).sum();
                int swaps = all.stream().mapToInt(NabDetectorRun.SeriesRun::modelSwaps).sum();
                lines.add(String.format(Locale.ROOT, "continual learning: a fine-tuning round every %d scored rows, "
                        + "%d iterations each, on %s; %d rounds, %d refreshed models served (candidates that beat the "
                        + "serving model on held-out windows)%s", fineTuneEvery, fineTuneIterations,
                        (fineTuneRecentOnly ? "the windows since the last round" : "every window since the first row")
                                + (fineTunePrequential ? ", with the prequential guard" : ""), rounds, swaps, perRun));
            }
            if (spread != null) {
                lines.addAll(spread.lines());
            }
            return lines;
        }

        private void writeReport(List<SeedRun> runs, SeedSpread spread, List<String> runLines) {
            Path finalResults = nab.nabRoot().resolve("final_results.json");
            List<NabReport.Row> published = Files.isRegularFile(finalResults) ? NabReport.readPublished(finalResults)
                    : List.of();
            int files = runs.get(0).run().corpus().series().size();
            List<String> lines = new ArrayList<>();
            lines.add("command: `odestream eval nab --data " + nab.data + " --out " + this.out + " --report " + report
                    + (spread != null ? " --seeds " + seeds : seed != DetectorSettings.DEFAULT_SEED ? " --seed " + seed : "")
                    + (!DEFAULT_SCORE_MODE.equals(scoreMode) ? " --score-mode " + scoreMode : "")
                    + (!DEFAULT_LEVEL_SHIFT.equals(levelShift) ? " --level-shift " + levelShift : "")
                    + (fineTuneEvery > 0 ? " --fine-tune-every " + fineTuneEvery + " --fine-tune-iterations "
                    + fineTuneIterations + (fineTuneRecentOnly ? " --fine-tune-recent-only" : "")
                    + (fineTunePrequential ? " --fine-tune-prequential" : "") : "")
                    + (seasonal ? " --seasonal --seasonal-kind " + seasonalKind + " --seasonal-harmonics "
                    + seasonalHarmonics + " --seasonal-memory-days " + seasonalMemoryDays : "") + "`");
            lines.addAll(runLines);
            lines.add("published figures are NAB's `final_results.json`, over all 58 NAB series; the like-for-like "
                    + "rows are NAB's stored results of those detectors scored with NAB's rules on the same 39 series");
            String corpus = "the " + files + " series under --data";
            NabReport.Row ours = spread == null ? NabReport.ours(OURS, corpus, runs.get(0).scores())
                    : spread.mean(OURS + ", mean of " + runs.size() + " seeds", corpus);
            NabReport.writeSection(report, NabReport.markdown(ours, files == 39 ? NabReport.SHARED_39 : List.of(),
                    published, lines));
        }

        private ProgressBar progressBar(int series) {
            if (noProgress) {
                return null;
            }
            return new ProgressBarBuilder()
                    .setTaskName("NAB")
                    .setInitialMax(series)
                    .setUnit(" series", 1)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
        }
    }
}
