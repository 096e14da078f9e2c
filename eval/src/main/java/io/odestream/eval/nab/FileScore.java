package io.odestream.eval.nab;

/**
 * One file's NAB score at the corpus threshold: its raw score and the counts over its
 * non-probationary rows (TP/FN = detected/undetected rows inside windows, FP/TN = outside).
 * {@code rows} counts all rows, probationary ones included, as NAB's {@code Total_Count}.
 */
public record FileScore(String name, int rows, int windows, double score, int tp, int fp, int fn, int tn) {
}
