package io.odestream.bench;

import io.odestream.demo.DemoModel;
import io.odestream.demo.DemoStream;
import io.odestream.job.SampleSeed;
import io.odestream.latent.FilterState;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeModel;
import io.odestream.latent.Score;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import io.odestream.schema.Observation;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a model's predictive spread comes from, by the age of the series (issue 17, cold start): the
 * demo's anomaly-free sensor stream at a given noise σ, every observation scored as the job scores it
 * ({@link LatentFilter#score}, 16 samples) before it is absorbed. Per event number of a series, over
 * the observed channels: the predictive std the z-scores divide by, its two parts — the model's
 * learnt observation noise (a constant per channel) and the spread of the posterior samples'
 * means — against what the predictive mean actually misses by: the observation, and the noise-free
 * truth. A predictive wider than its error makes every |z| small, a jump's included; an error
 * larger than the stream's noise means the model's mean, not the noise, limits what a jump must
 * clear.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar io.odestream.bench.PredictiveSpread \
 *     [NOISE_SIGMA=0.2] [EVENTS_PER_KEY=40] [KEYS=300] [MODEL.avro=the bundled demo model]
 * </pre>
 */
public final class PredictiveSpread {
    private static final int SAMPLES = 16;
    private static final int[] SHOWN = {2, 3, 4, 5, 6, 8, 10, 20, 30};

    private PredictiveSpread() {
    }

    public static void main(String[] args) throws IOException {
        double noise = args.length > 0 ? Double.parseDouble(args[0]) : BenchStream.NOISE_SIGMA;
        int perKey = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        ModelArtifact artifact = args.length > 3 ? ModelArtifacts.read(Path.of(args[3])) : DemoModel.bundled();
        LatentFilter filter = LatentFilter.init(artifact);
        LatentOdeModel model = filter.model();
        int c = model.spec().channels();
        double[] noiseData = new double[c];
        int offset = model.parameters().offset("noise.log_sigma");
        for (int j = 0; j < c; j++) {
            noiseData[j] = Math.exp(model.parameters().values()[offset + j]) * model.spec().channelStd()[j];
            System.out.printf(Locale.ROOT, "channel %d: learnt observation noise %.3f (data units; the stream's %.3f)%n",
                    j, noiseData[j], noise);
        }
        DemoStream stream = DemoStream.generate(new DemoStream.Config(keys, c, PipelineBenchmark.STREAM_START,
                Duration.ofSeconds(perKey), Duration.ofSeconds(1), 0.15, 0, Duration.ZERO, noise, 0.0, 42));
        int last = SHOWN[SHOWN.length - 1];
        Sums[] byAge = new Sums[last + 1];
        for (int i = 0; i <= last; i++) {
            byAge[i] = new Sums();
        }
        Map<String, FilterState> states = new HashMap<>();
        Map<String, Integer> ages = new HashMap<>();
        double[] x = new double[c];
        boolean[] observed = new boolean[c];
        for (Observation o : stream.observations()) {
            String id = o.getSeriesId();
            long t = o.getEventTime().toEpochMilli();
            for (int j = 0; j < c; j++) {
                Double v = o.getValues().get(j);
                observed[j] = v != null;
                x[j] = observed[j] ? v : 0;
            }
            int age = ages.merge(id, 1, Integer::sum);
            FilterState state = states.get(id);
            if (state == null) {
                state = filter.start(t);
            } else {
                Score score = filter.score(state, t, x, observed, SAMPLES, SampleSeed.of(id, t));
                byAge[Math.min(age, last)].add(score, x, observed, stream.truth(id, t), noiseData);
            }
            states.put(id, filter.update(state, t, x, observed));
        }
        System.out.printf(Locale.ROOT, "%,d series of ~%d events, noise %.3f, %s%n", keys, perKey, noise,
                args.length > 3 ? args[3] : "the bundled demo model");
        System.out.println("| event of the series | predictive std | its posterior part | RMS(observation − mean) "
                + "| RMS(truth − mean) | RMS z |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        for (int age : SHOWN) {
            Sums s = byAge[age];
            System.out.printf(Locale.ROOT, "| %d%s | %.3f | %.3f | %.3f | %.3f | %.2f |%n", age, age == last ? "+" : "",
                    s.std / s.n, s.posterior / s.n, Math.sqrt(s.errorToObservation / s.n),
                    Math.sqrt(s.errorToTruth / s.n), Math.sqrt(s.z2 / s.n));
        }
    }

    /** Running sums over the observed channel values of one event number. */
    private static final class Sums {
        double std;
        double posterior;
        double errorToObservation;
        double errorToTruth;
        double z2;
        long n;

        void add(Score score, double[] x, boolean[] observed, double[] truth, double[] noise) {
            for (int j = 0; j < x.length; j++) {
                if (!observed[j] || score.zScores()[j] == 0) { // x on the mean: its std cannot be read back
                    continue;
                }
                double mean = score.predictiveMeans()[j];
                double z = score.zScores()[j];
                double predictiveStd = (x[j] - mean) / z;
                std += predictiveStd;
                posterior += Math.sqrt(Math.max(0, predictiveStd * predictiveStd - noise[j] * noise[j]));
                errorToObservation += (x[j] - mean) * (x[j] - mean);
                errorToTruth += (truth[j] - mean) * (truth[j] - mean);
                z2 += z * z;
                n++;
            }
        }
    }
}
