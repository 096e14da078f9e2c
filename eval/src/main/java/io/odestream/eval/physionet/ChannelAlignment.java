package io.odestream.eval.physionet;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts stays read from another folder into the training stays' channel order: each folder lists
 * its channels in the order they first appear, so set-b's column 3 need not be set-a's. A channel
 * the test stays lack is missing (NaN) throughout; a channel only the test stays have cannot be
 * forecast by a model that never saw it, so its values are dropped and counted in {@link #dropped}.
 *
 * @param stays   the stays with one column per training channel
 * @param dropped names of the test-only channels whose values were dropped (empty when none)
 */
public record ChannelAlignment(List<Series> stays, List<String> dropped) {

    public static ChannelAlignment toTraining(List<String> trainChannels, List<String> testChannels,
                                              List<Series> testStays) {
        int[] source = new int[trainChannels.size()];
        for (int j = 0; j < source.length; j++) {
            source[j] = testChannels.indexOf(trainChannels.get(j));
        }
        List<String> dropped = new ArrayList<>();
        for (String name : testChannels) {
            if (!trainChannels.contains(name)) {
                dropped.add(name);
            }
        }
        List<Series> aligned = new ArrayList<>(testStays.size());
        for (Series s : testStays) {
            double[][] values = new double[s.values().length][source.length];
            for (int k = 0; k < values.length; k++) {
                double[] row = s.values()[k];
                if (row.length != testChannels.size()) {
                    throw new IllegalArgumentException("a test stay row has " + row.length + " values but the test "
                            + "folder names " + testChannels.size() + " channels");
                }
                for (int j = 0; j < source.length; j++) {
                    values[k][j] = source[j] < 0 ? Double.NaN : row[source[j]];
                }
            }
            aligned.add(new Series(s.timesMillis(), values));
        }
        return new ChannelAlignment(List.copyOf(aligned), List.copyOf(dropped));
    }
}
