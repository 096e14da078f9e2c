import io.odestream.alert.AlertDecision;
import io.odestream.alert.AlertPolicy;
import io.odestream.alert.AlertTrack;
import io.odestream.eval.detector.DetectorSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Re-runs the product's NAB alert policy ({@code DetectorSettings.nabPolicy()}, the Java class) over the
 * stored raw scores and values of an {@code odestream eval nab --out} folder and writes the same files with
 * the anomaly_score column recomputed, as the detector writes it (0 on the probationary rows and on an
 * open incident's later rows). The raw density scores do not depend on the policy, so a policy change
 * is measured in a minute instead of a 20-minute run; score the result with
 * {@code scripts/nab-policy-ablation.py DATA OUT "Java detector"}. It matches the detector's own column on
 * 37 of the 39 series; the two others differ on the few rows around the filter's restart after a solver
 * failure, which this replay cannot see.
 *
 * <p>usage, from the repository root after the jar is built:
 * {@code java --add-modules jdk.incubator.vector -cp app/target/odestream.jar scripts/NabPolicyRescore.java IN OUT
 * [--no-value-level]} (the last: the same policy without its value-level test, for the ablation)
 */
public class NabPolicyRescore {
    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        AlertPolicy policy = DetectorSettings.nabPolicy();
        if (args.length > 2 && "--no-value-level".equals(args[2])) {
            policy = policy.withValueLevel(false);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(in)) {
            files = walk.filter(p -> p.getFileName().toString().startsWith("odestream_")).toList();
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            int n = lines.size() - 1;
            int probation = Math.min((int) (0.15 * n), 750);
            AlertTrack track = policy.newTrack();
            List<String> rescored = new ArrayList<>();
            rescored.add(lines.get(0)); // timestamp,value,anomaly_score,raw_score,label
            for (int i = 1; i <= n; i++) {
                String[] c = lines.get(i).split(",");
                long t = LocalDateTime.parse(c[0].replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
                double raw = "NaN".equals(c[3]) ? Double.NaN : Double.parseDouble(c[3]);
                boolean inIncident = track.open;
                AlertDecision d = policy.observe(track, t, raw, Double.NaN, new double[] {Double.parseDouble(c[1])},
                        null);
                double p = d.anomalyProbability();
                c[2] = Double.toString(i - 1 < probation || Double.isNaN(p) || (inIncident && !d.raise()) ? 0.0 : p);
                rescored.add(String.join(",", c));
            }
            Path target = out.resolve(in.relativize(f));
            Files.createDirectories(target.getParent());
            Files.write(target, rescored);
        }
    }
}
