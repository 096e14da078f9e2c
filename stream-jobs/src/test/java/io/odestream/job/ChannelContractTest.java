package io.odestream.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.kafka.Rejection;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The data contract by name: when an observation's values line up with the model's channels, and how. */
class ChannelContractTest {
    private static final List<String> MODEL = List.of("temp", "pressure", "humidity");
    private static final List<Double> VALUES = Arrays.asList(1.0, 2.0, null);

    private final ChannelContract contract = new ChannelContract();

    @Test
    void namesInTheModelsOrderAreTakenByPosition() {
        assertNull(contract.match(MODEL, 3, VALUES, MODEL));
        assertTrue(contract.inOrder());
        assertSame(VALUES, contract.inModelOrder(VALUES), "no copy when nothing moves");
    }

    @Test
    void aPermutationOfTheModelsNamesIsMappedIntoModelOrder() {
        List<Double> values = Arrays.asList(null, 1.0, 2.0);
        assertNull(contract.match(MODEL, 3, values, List.of("humidity", "temp", "pressure")));
        assertEquals(1, contract.sourceOf(0), "temp is the observation's second value");
        assertEquals(2, contract.sourceOf(1));
        assertEquals(0, contract.sourceOf(2));
        assertEquals(Arrays.asList(1.0, 2.0, null), contract.inModelOrder(values));
    }

    @Test
    void withoutNamesOnEitherSideValuesAreTakenByPosition() {
        assertNull(contract.match(null, 3, VALUES, List.of("c", "b", "a")), "an artifact from before names: positional");
        assertTrue(contract.inOrder());
        assertNull(contract.match(MODEL, 3, VALUES, null), "an observation without names: the model's order");
        assertTrue(contract.inOrder());
    }

    @Test
    void anotherWidthIsAChannelCountMismatchWhateverTheNames() {
        Rejection r = contract.match(MODEL, 3, List.of(1.0, 2.0), List.of("temp", "pressure"));
        assertNotNull(r);
        assertEquals(Rejection.Reason.CHANNEL_COUNT_MISMATCH, r.reason());
        assertTrue(r.detail().contains("2 values") && r.detail().contains("3 channels"), r.detail());
    }

    @Test
    void namesThatAreNotTheModelsAreRefusedNamingWhatIsUnknownAndWhatIsMissing() {
        Rejection r = contract.match(MODEL, 3, VALUES, List.of("temp", "pressure", "wind"));
        assertNotNull(r);
        assertEquals(Rejection.Reason.CHANNEL_NAMES_MISMATCH, r.reason());
        assertTrue(r.detail().contains("unknown to the model: [wind]") && r.detail().contains("missing: [humidity]"),
                r.detail());
        Rejection twice = contract.match(MODEL, 3, VALUES, List.of("temp", "temp", "pressure"));
        assertEquals(Rejection.Reason.CHANNEL_NAMES_MISMATCH, twice.reason(), "a channel named twice is no permutation");
    }

    @Test
    void namesOfAnotherCountThanTheValuesAreAChannelCountMismatch() {
        Rejection r = contract.match(MODEL, 3, VALUES, List.of("temp", "pressure"));
        assertEquals(Rejection.Reason.CHANNEL_COUNT_MISMATCH, r.reason());
    }
}
