package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.alert.AgeBuckets;
import io.odestream.alert.WarmUpMoments;
import io.odestream.alert.WarmUpThresholds;
import io.odestream.alert.ZMoments;
import io.odestream.model.InvalidArtifactException;
import io.odestream.model.ModelArtifacts;
import io.odestream.schema.ModelArtifact;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The warm-up calibration a model ships in its spec: it goes through the spec's JSON and the artifact
 * (checksum included) unchanged, and a spec without it is written exactly as before it existed.
 */
class WarmUpCalibrationTest {
    private static final LatentOdeSpec SPEC = LatentOdeSpec.of(2, 3, 5, new int[] {6}, new int[] {6}, 1000.0);

    /** Moments of two channels, each bucket's own, so a mixed-up bucket or kind shows. */
    static WarmUpCalibration calibration() {
        Map<ScoreMode, WarmUpMoments> byMode = new EnumMap<>(ScoreMode.class);
        byMode.put(ScoreMode.SIGMA_POINTS, moments(1.0));
        byMode.put(ScoreMode.MEAN_PATH, moments(2.0));
        return WarmUpCalibration.of(AgeBuckets.DEFAULT, byMode);
    }

    private static WarmUpMoments moments(double scale) {
        ZMoments[] byAge = new ZMoments[AgeBuckets.DEFAULT.count()];
        for (int b = 0; b < byAge.length; b++) {
            double v = scale * (1.5 - 0.2 * b);
            byAge[b] = ZMoments.ofMoments(2, new double[] {v, 0.3 * v, 0.3 * v, 0.8 * v},
                    new long[] {2_000 - b, 1_500 - b, 1_500 - b, 1_800 - b});
        }
        return new WarmUpMoments(AgeBuckets.DEFAULT, ZMoments.ofMoments(2, new double[] {scale, 0.25, 0.25, scale},
                new long[] {9_000, 7_000, 7_000, 8_000}), byAge);
    }

    @Test
    void theMomentsGoThroughTheSpecsJsonUnchanged() {
        LatentOdeSpec with = SPEC.withWarmUp(calibration());
        LatentOdeSpec read = LatentOdeSpec.fromJson(with.toJson());
        assertEquals(with.toJson(), read.toJson());
        WarmUpMoments sigma = read.warmUp().momentsFor(ScoreMode.SIGMA_POINTS);
        WarmUpMoments meanPath = read.warmUp().momentsFor(ScoreMode.MEAN_PATH);
        assertNull(read.warmUp().momentsFor(ScoreMode.MONTE_CARLO), "a kind not measured has no moments");
        assertEquals(1.5 - 0.2 * 2, sigma.bucket(2).moment(0, 0), 1e-6);
        assertEquals(0.3 * (1.5 - 0.2 * 3), sigma.bucket(3).moment(1, 0), 1e-6);
        assertEquals(1_498, sigma.bucket(2).count(0, 1));
        assertEquals(2.0, meanPath.allAges().moment(1, 1), 1e-6);
        assertEquals(7_000, meanPath.allAges().count(1, 0));
        assertArrayEquals(new int[] {0, 1, 2, 4}, read.warmUp().ageBuckets());
    }

    /** {@link #calibration()} with sigma-point thresholds: bucket {1} has none (too few events). */
    static WarmUpCalibration withThresholds() {
        Map<ScoreMode, WarmUpMoments> byMode = new EnumMap<>(ScoreMode.class);
        byMode.put(ScoreMode.SIGMA_POINTS, moments(1.0));
        byMode.put(ScoreMode.MEAN_PATH, moments(2.0));
        WarmUpThresholds t = new WarmUpThresholds(1e-4, AgeBuckets.DEFAULT, 4.6, new double[] {6.25, Double.NaN,
                5.0, 4.375});
        return WarmUpCalibration.of(AgeBuckets.DEFAULT, byMode, Map.of(ScoreMode.SIGMA_POINTS,
                new WarmUpCalibration.MeasuredThresholds(t, 90_000, new long[] {2_000, 900, 4_000, 83_100})));
    }

    @Test
    void theThresholdsGoThroughTheSpecsJsonUnchanged() {
        LatentOdeSpec with = SPEC.withWarmUp(withThresholds());
        String json = with.toJson();
        LatentOdeSpec read = LatentOdeSpec.fromJson(json);
        assertEquals(json, read.toJson());
        WarmUpThresholds sigma = read.warmUp().thresholdsFor(ScoreMode.SIGMA_POINTS);
        assertEquals(1e-4, sigma.falseAlarmRate());
        assertEquals(4.6, sigma.allAges());
        assertEquals(6.25, sigma.bucket(0));
        assertTrue(Double.isNaN(sigma.bucket(1)), "a bucket without a threshold stays without one");
        assertEquals(4.375, sigma.forAge(7));
        assertNull(read.warmUp().thresholdsFor(ScoreMode.MEAN_PATH), "moments without thresholds: warmUpZ");
        assertTrue(json.contains("\"thresholds\":{\"falseAlarmRate\":1.0E-4,\"allAges\":{\"z\":4.6,\"events\":90000},"
                + "\"byAge\":[{\"z\":6.25,\"events\":2000},{\"events\":900},"), json);
    }

    @Test
    void aCalibrationWithoutThresholdsIsReadAsBefore() {
        String json = SPEC.withWarmUp(calibration()).toJson();
        assertFalse(json.contains("thresholds"), json);
        LatentOdeSpec read = LatentOdeSpec.fromJson(json);
        assertNull(read.warmUp().thresholdsFor(ScoreMode.SIGMA_POINTS));
        assertEquals(json, read.toJson());
    }

    @Test
    void anArtifactCarriesThemUnderItsChecksum() {
        LatentOdeModel model = LatentOdeModel.create(SPEC, 3).withWarmUp(calibration());
        ModelArtifact artifact = model.toArtifact("m", 1, null, Map.of(), Map.of());
        LatentOdeModel loaded = LatentOdeModel.fromArtifact(artifact);
        assertEquals(model.spec().toJson(), loaded.spec().toJson());
        assertEquals(0.25, loaded.spec().warmUp().momentsFor(ScoreMode.SIGMA_POINTS).allAges().moment(0, 1), 1e-6);
        ModelArtifact bare = LatentOdeModel.create(SPEC, 3).toArtifact("m", 1, null, Map.of(), Map.of());
        assertNotEquals(bare.getChecksum(), artifact.getChecksum(), "the checksum covers the shipped moments");
        ModelArtifact tampered = ModelArtifact.newBuilder(artifact)
                .setSpecJson(artifact.getSpecJson().replace("\"moments\":[1.0,", "\"moments\":[1.5,")).build();
        assertNotEquals(artifact.getSpecJson(), tampered.getSpecJson(), "precondition: the edit changed the spec");
        assertThrows(InvalidArtifactException.class, () -> ModelArtifacts.verifyChecksum(tampered, "tampered"));
    }

    @Test
    void aSpecWithoutThemIsWrittenAsBeforeTheyExisted() {
        assertFalse(SPEC.toJson().contains("warmUp"), SPEC.toJson());
        assertNull(LatentOdeSpec.fromJson(SPEC.toJson()).warmUp());
        assertTrue(SPEC.withWarmUp(calibration()).toJson().contains("\"warmUp\":{\"ageBuckets\":[0,1,2,4]"));
        assertEquals(SPEC.toJson(), SPEC.withWarmUp(calibration()).withWarmUp(null).toJson());
    }

    @Test
    void momentsOfAnotherChannelCountOrBucketingAreRefused() {
        LatentOdeSpec three = LatentOdeSpec.of(3, 3, 5, new int[] {6}, new int[] {6}, 1000.0);
        assertThrows(InvalidArtifactException.class, () -> three.withWarmUp(calibration()));
        String json = SPEC.withWarmUp(calibration()).toJson().replace("\"ageBuckets\":[0,1,2,4]",
                "\"ageBuckets\":[0,1,2]");
        assertThrows(InvalidArtifactException.class, () -> LatentOdeSpec.fromJson(json));
    }
}
