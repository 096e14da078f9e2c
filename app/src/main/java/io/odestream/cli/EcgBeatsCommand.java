package io.odestream.cli;

import io.odestream.eval.ecg.BeatWindows;
import io.odestream.eval.ecg.EcgBeatTable;
import io.odestream.eval.ecg.Format212;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code odestream eval ecg-beats}: ODE-Net against ResNet on the annotated beats of one MIT-BIH record. */
@Command(name = "ecg-beats", mixinStandardHelpOptions = true,
        description = {"Normal against abnormal beats of an MIT-BIH record (e.g. 100): windows of the first signal "
                + "(MLII) around each annotated R-peak and the beat's RR intervals, split by time, classified by "
                + "ODE-Net, ANODE and a ResNet at the ODE-Net's parameter budget; accuracy and balanced accuracy.",
            "DIR holds <record>.hea, <record>.dat (format 212) and <record>_atr.csv (sample,time_s,symbol,...: the "
                + "reference annotations decoded from <record>.atr)."})
final class EcgBeatsCommand implements Callable<Integer> {
    /** MIT-BIH beat annotation symbols; the others ('+', '~', '|', ...) mark rhythm, noise or comments. */
    private static final Set<String> BEATS = Set.of("N", "L", "R", "B", "A", "a", "J", "S", "V", "r", "F", "e", "j",
            "n", "E", "/", "f", "Q", "?");

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "The record's folder, e.g. .../ecg/mitdb_100.")
    Path data;

    @Option(names = "--record", defaultValue = "100", description = "The record name (default ${DEFAULT-VALUE}).")
    String record;

    @Option(names = "--iterations", description = "Adam iterations per head (default 1500).")
    Integer iterations;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write the ECG section of a results page (e.g. docs/RESULTS.md), between its markers.")
    Path report;

    @Override
    public Integer call() {
        Path header = data.resolve(record + ".hea");
        Path signal = data.resolve(record + ".dat");
        Path annotations = data.resolve(record + "_atr.csv");
        for (Path p : List.of(header, signal, annotations)) {
            if (!Files.isRegularFile(p)) {
                throw new CommandFailedException("no " + p.getFileName() + " in " + data.toAbsolutePath() + "; --data must "
                        + "be a WFDB record's folder with " + record + ".hea, " + record + ".dat and " + record + "_atr.csv");
            }
        }
        try {
            Header h = Header.read(header);
            int[][] adu = Format212.decode(Files.readAllBytes(signal), h.signals);
            List<BeatWindows.Beat> beats = beats(annotations);
            int before = (int) Math.round(0.25 * h.hz);
            int after = (int) Math.round(0.40 * h.hz);
            BeatWindows windows = BeatWindows.cut(adu[0], h.zero, h.gain, h.hz, beats, before, after, 6);
            EcgBeatTable.Settings d = EcgBeatTable.Settings.defaults();
            EcgBeatTable.Settings s = new EcgBeatTable.Settings(d.trainShare(),
                    iterations != null ? iterations : d.iterations(), d.batch(), d.rate(), d.width(), d.odeUnits(),
                    d.augment(), d.resBlocks(), d.rtol(), d.atol(), d.every(), d.seed());
            EcgBeatTable.Result result = EcgBeatTable.run(windows, s, System.err);
            PrintWriter out = spec.commandLine().getOut();
            out.print(EcgBeatTable.markdown(result));
            if (report != null) {
                String command = "command: `odestream eval ecg-beats --data " + data
                        + (iterations != null ? " --iterations " + iterations : "") + " --report " + report + "`";
                String input = String.format(Locale.ROOT, "record %s: %d beats annotated, %d windows (the first and last "
                        + "beat have no RR on one side); window %d samples before to %d after the R-peak, every 6th, "
                        + "and the two RR intervals over the local mean RR: %d features", record, beats.size(),
                        windows.beats(), before, after, windows.width());
                EcgBeatTable.writeReport(report, result, List.of(command, input));
                out.println("report section written to " + report);
            }
            out.flush();
        } catch (IOException e) {
            throw new CommandFailedException("cannot read record " + record + " in " + data + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException("record " + record + " in " + data + ": " + e.getMessage(), e);
        }
        return 0;
    }

    /** The header's record line and first signal line (WFDB header(5)): signals, frequency, gain, ADC zero. */
    private record Header(int signals, double hz, double gain, int zero) {
        static Header read(Path file) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line.trim());
                }
            }
            if (lines.size() < 2) {
                throw new IllegalArgumentException(file + " needs a record line and a signal line");
            }
            String[] rec = lines.get(0).split("\\s+");
            String[] sig = lines.get(1).split("\\s+");
            if (rec.length < 3 || sig.length < 5 || !sig[1].equals("212")) {
                throw new IllegalArgumentException(file + ": expected '<name> <signals> <Hz> ...' and a format-212 signal "
                        + "line '<file> 212 <gain> <bits> <zero> ...', got '" + lines.get(0) + "' / '" + lines.get(1) + "'");
            }
            return new Header(Integer.parseInt(rec[1]), Double.parseDouble(rec[2]),
                    Double.parseDouble(sig[2].replaceAll("\\(.*\\)|/.*", "")), Integer.parseInt(sig[4]));
        }
    }

    private static List<BeatWindows.Beat> beats(Path file) throws IOException {
        List<BeatWindows.Beat> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length < 3) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected sample,time_s,symbol,...");
            }
            if (BEATS.contains(cells[2])) {
                out.add(new BeatWindows.Beat(Integer.parseInt(cells[0]), cells[2]));
            }
        }
        return out;
    }
}
