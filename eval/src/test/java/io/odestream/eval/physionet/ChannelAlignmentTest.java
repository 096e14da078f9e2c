package io.odestream.eval.physionet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.odestream.latent.LatentOdeTraining.Series;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A test folder's channels put in the training folder's order: reordered, missing as NaN, extra ones dropped by name. */
class ChannelAlignmentTest {
    @Test
    void testChannelsFollowTheTrainingOrder() {
        Series stay = new Series(new long[] {0, 60_000}, new double[][] {{1, 2, 3}, {4, Double.NaN, 6}});
        ChannelAlignment aligned = ChannelAlignment.toTraining(List.of("HR", "Temp", "pH"),
                List.of("Temp", "Lactate", "HR"), List.of(stay));

        assertEquals(List.of("Lactate"), aligned.dropped());
        double[][] values = aligned.stays().get(0).values();
        assertArrayEquals(new double[] {3, 1, Double.NaN}, values[0]);
        assertArrayEquals(new double[] {6, 4, Double.NaN}, values[1]);
        assertArrayEquals(stay.timesMillis(), aligned.stays().get(0).timesMillis());
    }
}
