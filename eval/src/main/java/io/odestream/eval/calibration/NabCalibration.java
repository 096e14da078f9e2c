package io.odestream.eval.calibration;

import io.odestream.eval.detector.DetectorSettings;
import io.odestream.eval.detector.LatentOdeDetector;
import io.odestream.eval.nab.NabDetectorRun;
import io.odestream.eval.nab.NabSeries;
import io.odestream.eval.nab.RowWeights;
import io.odestream.eval.nab.SeriesCsvReader;
import io.odestream.latent.LatentFilter;
import io.odestream.latent.LatentOdeTraining;
import io.odestream.latent.ObservationSkip;
import io.odestream.latent.SkipFitting;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One-step-ahead calibration on NAB: per series the NAB detector's own model (fitted on the
 * probationary rows, {@link LatentOdeDetector#fit}), then every later row's PIT from the filter
 * state before it ({@link OneStepCalibration}), with the detector's sample count and seeds. Twice:
 * the model alone, and the model with an observation skip fitted on the same probationary rows
 * ({@link SkipFitting}, as {@code odestream train} fits it), served through the same path.
 */
public final class NabCalibration {
    private NabCalibration() {
    }

    /**
     * One series' figures.
     *
     * @param withSkip the PITs with the observation skip fitted on the probationary rows
     */
    public record SeriesResult(String name, int rows, int scoredFrom, PitCalibration pit, int solverFailures,
                               PitCalibration withSkip) {
    }

    /** Every data file under {@code dataDir}, {@code threads} series at a time, in file order. */
    public static List<SeriesResult> run(DetectorSettings settings, Path dataDir, int threads) {
        List<String> names = NabDetectorRun.dataFiles(dataDir);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nab-calibration");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<SeriesResult>> futures = new ArrayList<>();
            for (String name : names) {
                futures.add(pool.submit(() -> one(settings, dataDir, name)));
            }
            List<SeriesResult> out = new ArrayList<>();
            for (Future<SeriesResult> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring calibration", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("calibration failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    static SeriesResult one(DetectorSettings settings, Path dataDir, String name) {
        NabSeries series = SeriesCsvReader.readData(dataDir.resolve(name), name);
        long[] times = new long[series.rows()];
        double[][] values = new double[series.rows()][1];
        for (int i = 0; i < times.length; i++) {
            times[i] = series.timestamps()[i].toInstant(ZoneOffset.UTC).toEpochMilli();
            values[i][0] = series.values()[i];
        }
        int fitRows = RowWeights.probationLength(series.rows());
        LatentOdeDetector.Fitted fitted = new LatentOdeDetector(settings).fit(times, series.values(), fitRows);
        LatentFilter filter = new LatentFilter(fitted.model(), "nab-calibration", 1);
        OneStepCalibration.Result r = OneStepCalibration.run(filter, fitted.modelTimes(), values, fitRows, null,
                settings.samples(), settings.seed());
        LatentOdeTraining.Series probation = new LatentOdeTraining.Series(
                Arrays.copyOf(fitted.modelTimes(), fitRows), Arrays.copyOf(values, fitRows));
        ObservationSkip skip = SkipFitting.fit(filter, List.of(probation), settings.samples(), settings.seed());
        LatentFilter served = new LatentFilter(fitted.model().withSkip(skip), "nab-calibration", 1);
        OneStepCalibration.Result s = OneStepCalibration.run(served, fitted.modelTimes(), values, fitRows, null,
                settings.samples(), settings.seed());
        return new SeriesResult(name, series.rows(), fitRows, r.pit(), r.solverFailures(), s.pit());
    }
}
