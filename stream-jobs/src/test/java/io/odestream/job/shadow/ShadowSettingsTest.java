package io.odestream.job.shadow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Which series are shadowed, and which settings are refused. */
class ShadowSettingsTest {
    private static final int IDS = 10_000;

    private static ShadowSettings withFraction(double fraction) {
        return new ShadowSettings(fraction, 500, 0.05, 16, null);
    }

    private static int shadowed(ShadowSettings settings, String prefix) {
        int n = 0;
        for (int i = 0; i < IDS; i++) {
            if (settings.shadows(prefix + i)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void theShareOfShadowedSeriesIsTheFraction() {
        for (double fraction : new double[] {0.05, 0.25, 0.5, 0.9}) {
            for (String prefix : new String[] {"series-", "sensor/eu-west/", ""}) {
                double share = shadowed(withFraction(fraction), prefix) / (double) IDS;
                assertEquals(fraction, share, 0.02, "share of " + IDS + " ids '" + prefix + "N' shadowed at "
                        + fraction);
            }
        }
        assertEquals(IDS, shadowed(withFraction(1.0), "series-"), "fraction 1 shadows every series");
    }

    @Test
    void aSmallerFractionShadowsASubsetOfTheLargerOnesSeries() {
        // The choice is a threshold on a fixed hash: raising the fraction only adds series, so series
        // shadowed before keep their comparison running.
        ShadowSettings quarter = withFraction(0.25);
        ShadowSettings half = withFraction(0.5);
        for (int i = 0; i < IDS; i++) {
            String id = "series-" + i;
            assertTrue(!quarter.shadows(id) || half.shadows(id), id);
        }
    }

    @Test
    void theChoiceIsTheDocumentedHashOfTheIdAlone() {
        // The hash is a contract (every subtask, run and version must shadow the same series), so it
        // is recomputed here from its definition, over the UTF-16LE bytes of the id, independently of
        // the char loop in ShadowSettings.
        ShadowSettings settings = withFraction(0.25);
        int shadowed = 0;
        for (int i = 0; i < 1000; i++) {
            String id = (i % 2 == 0 ? "series-" : "sensör-\u6f22-") + i;
            double h = referenceHash(id);
            assertEquals(h, ShadowSettings.unitHash(id), id);
            assertTrue(h >= 0 && h < 1, "hash in [0, 1): " + h);
            assertEquals(h < 0.25, settings.shadows(id), id);
            shadowed += settings.shadows(id) ? 1 : 0;
        }
        assertTrue(shadowed > 0 && shadowed < 1000, "some shadowed, some not: " + shadowed);
    }

    private static double referenceHash(String id) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64 offset basis
        for (byte b : id.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33; // murmur3 fmix64
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (h >>> 11) / (double) (1L << 53);
    }

    @Test
    void defaultsAreTheDocumentedOnesAndSerialise() throws Exception {
        ShadowPromoter.Factory factory = () -> null;
        ShadowSettings d = ShadowSettings.defaults(factory);
        assertEquals(0.25, d.fraction());
        assertEquals(500, d.minObservations());
        assertEquals(0.05, d.margin());
        assertEquals(16, d.scoreSamples());
        assertEquals(ShadowCriterion.both(), d.criteria(), "judged on NLL and MAE");
        ShadowSettings copy = InstantiationUtil.clone(ShadowSettings.defaults(null));
        assertEquals(ShadowSettings.defaults(null), copy, "travels with the operator");
        assertTrue(InstantiationUtil.clone(d).promoter() != null, "a promoter factory serialises with it");
    }

    @Test
    void badSettingsAreRefusedNamingTheArgument() {
        assertMessage("fraction", () -> withFraction(0));
        assertMessage("fraction", () -> withFraction(1.5));
        assertMessage("fraction", () -> withFraction(Double.NaN));
        assertMessage("minObservations", () -> new ShadowSettings(0.5, 0, 0.05, 16, null));
        assertMessage("margin", () -> new ShadowSettings(0.5, 10, -0.1, 16, null));
        assertMessage("margin", () -> new ShadowSettings(0.5, 10, Double.POSITIVE_INFINITY, 16, null));
        assertMessage("scoreSamples", () -> new ShadowSettings(0.5, 10, 0.05, 0, null));
        assertMessage("criteria", () -> new ShadowSettings(0.5, 10, 0.05, 16, null, java.util.Set.of()));
        assertMessage("unknown shadow criterion 'rmse'", () -> ShadowCriterion.parse("nll,rmse"));
        assertMessage("seriesId", () -> withFraction(0.5).shadows(null));
    }

    private static void assertMessage(String argument, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(argument + " "), "message names " + argument + ": " + e.getMessage());
    }
}
