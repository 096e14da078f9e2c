package io.odestream.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.model.InvalidArtifactException;
import io.odestream.schema.ModelArtifact;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Channel names travel with the model in its spec; specs from before names stay loadable, unnamed. */
class ChannelNamesSpecTest {
    private static final LatentOdeSpec UNNAMED = LatentOdeSpec.of(2, 3, 5, new int[] {7}, new int[] {6}, 1000.0);

    @Test
    void namesSurviveTheArtifactRoundTrip() {
        LatentOdeSpec named = UNNAMED.withChannelNames(List.of("temp", "pressure"));
        ModelArtifact artifact = LatentOdeModel.create(named, 1).toArtifact("m", 1, null, Map.of(), Map.of());
        LatentOdeSpec read = LatentOdeModel.fromArtifact(artifact).spec();
        assertEquals(List.of("temp", "pressure"), read.channelNames());
        assertTrue(read.namesChannels());
        assertEquals(List.of("temp", "pressure"), named.withNormalisation(new double[] {1, 2}, new double[] {3, 4})
                .withEncoder(LatentOdeSpec.Encoder.RNN).channelNames(), "other changes keep the names");
    }

    @Test
    void aSpecWithoutNamesIsWrittenAsBeforeSoOldArtifactsKeepTheirJsonAndChecksum() {
        assertFalse(UNNAMED.toJson().contains("channelNames"), UNNAMED.toJson());
        String oldJson = UNNAMED.toJson(); // what every artifact written before names holds
        LatentOdeSpec read = LatentOdeSpec.fromJson(oldJson);
        assertNull(read.channelNames(), "an old artifact has no names: its channels are taken by position");
        assertFalse(read.namesChannels());
        assertEquals(oldJson, read.toJson());
    }

    @Test
    void namesMustBeOnePerChannelUniqueAndNonBlank() {
        assertThrows(InvalidArtifactException.class, () -> UNNAMED.withChannelNames(List.of("temp")));
        assertThrows(InvalidArtifactException.class, () -> UNNAMED.withChannelNames(List.of("temp", "temp")));
        InvalidArtifactException blank = assertThrows(InvalidArtifactException.class,
                () -> UNNAMED.withChannelNames(List.of("temp", " ")));
        assertTrue(blank.getMessage().contains("empty name"), blank.getMessage());
    }
}
