package io.odestream.eval.detector;

/**
 * What {@link LatentOdeDetector} produced for one series, one entry per row.
 *
 * @param anomalyScore the calibrated anomaly score in [0, 1] (0 on fit rows and rows not scored)
 * @param rawScore     the filter's negative log predictive density, fit rows included (NaN for the first row)
 * @param fitRows      rows the model was fitted on (scored 0: no model existed yet)
 * @param fitSeconds   wall time of the fit
 * @param fitDiverged  the fit stopped early on a non-finite loss (the model keeps its last finite parameters)
 * @param solverFailures rows whose score or update failed in the solver (the state was kept)
 * @param fineTuningRounds continual-learning rounds trained and checked (0 when the model stays frozen)
 * @param modelSwaps     rounds whose candidate passed its check and scored the rows after it
 */
public record DetectorOutput(double[] anomalyScore, double[] rawScore, int fitRows, double fitSeconds,
                             boolean fitDiverged, int solverFailures, int fineTuningRounds, int modelSwaps) {
}
