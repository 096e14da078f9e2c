package io.odestream.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingAction;
import io.odestream.schema.RegistryServingChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules automation obeys, read from a serving pointer's history alone. */
class ServingControlTest {
    /** Lineage 1 ← 2 ← 3 ← 4, and 5 a child of 2 (a sibling branch of 3); 9 has no parent. */
    private static final Map<Long, Long> PARENTS = Map.of(2L, 1L, 3L, 2L, 4L, 3L, 5L, 2L);

    private final List<RegistryServingChange> history = new ArrayList<>();

    @Test
    void aModelNeverPromotedRestrictsNothing() {
        ServingControl control = ServingControl.of(null);
        assertTrue(control.pin().isEmpty());
        assertTrue(control.refusalOfAutomatedPromotion(1, PARENTS::get).isEmpty());
    }

    @Test
    void automatedPromotionsAloneNeverPin() {
        operatorPromotes(1);
        automationPromotes(2);
        automationPromotes(3);
        assertTrue(control().pin().isEmpty());
        assertAllowed(4);
    }

    @Test
    void aRollbackPinsTheVersionItReturnsToUntilReleased() {
        operatorPromotes(1);
        automationPromotes(2);
        automationPromotes(3);
        rollsBack(3, 2);
        assertEquals(2L, control().pin().orElseThrow().getVersion());
        assertRefused(5, "pinned to version 2");

        change(RegistryServingAction.RELEASED, 2, 2L, false);
        assertTrue(control().pin().isEmpty());
        assertAllowed(5);
    }

    @Test
    void aHoldPinsWithoutChangingServingAndAnOperatorPromoteLiftsIt() {
        operatorPromotes(1);
        change(RegistryServingAction.HELD, 1, 1L, false);
        assertRefused(2, "pinned to version 1 by a hold");

        operatorPromotes(2);
        assertTrue(control().pin().isEmpty(), "the operator's promote is the explicit decision");
        assertAllowed(3);
    }

    @Test
    void aRolledBackVersionAndItsDescendantsStayBlockedAfterRelease() {
        operatorPromotes(1);
        automationPromotes(2);
        automationPromotes(3);
        rollsBack(3, 2);
        change(RegistryServingAction.RELEASED, 2, 2L, false);

        assertRefused(3, "version 3 was rolled back");
        assertRefused(4, "version 4 descends from version 3");
        assertAllowed(5); // a child of 2, the version rolled back to
        assertAllowed(9); // an unrelated root
    }

    @Test
    void anOperatorPromoteOfTheRolledBackLineageUnblocksIt() {
        operatorPromotes(1);
        automationPromotes(3);
        rollsBack(3, 1);
        change(RegistryServingAction.RELEASED, 1, 1L, false);
        assertRefused(4, "descends from version 3");

        operatorPromotes(3);
        assertAllowed(4);
    }

    @Test
    void anAutomatedPromoteDoesNotLiftAPinOrUnblockALineage() {
        operatorPromotes(1);
        automationPromotes(3);
        rollsBack(3, 1);
        automationPromotes(5); // written by an older job that ignored the pin: it must not count as a decision
        assertTrue(control().pin().isPresent());
        change(RegistryServingAction.RELEASED, 5, 5L, false);
        assertRefused(4, "descends from version 3");
    }

    private void operatorPromotes(long version) {
        change(RegistryServingAction.PROMOTED, version, null, false);
    }

    private void automationPromotes(long version) {
        change(RegistryServingAction.PROMOTED, version, null, true);
    }

    private void rollsBack(long from, long to) {
        change(RegistryServingAction.ROLLED_BACK, to, from, false);
    }

    private void change(RegistryServingAction action, long version, Long from, boolean automated) {
        history.add(RegistryServingChange.newBuilder().setAction(action).setVersion(version).setFromVersion(from)
                .setReason("test").setChangedAt(Instant.ofEpochMilli(1_700_000_000_000L + history.size()))
                .setChangedBy(automated ? "fine-tuning" : "alice").setAutomated(automated).build());
    }

    private ServingControl control() {
        return ServingControl.of(RegistryServing.newBuilder().setModelId("m")
                .setServingVersion(history.get(history.size() - 1).getVersion()).setHistory(history).build());
    }

    private void assertAllowed(long version) {
        Optional<String> refusal = control().refusalOfAutomatedPromotion(version, PARENTS::get);
        assertTrue(refusal.isEmpty(), "version " + version + " should be allowed: " + refusal);
    }

    private void assertRefused(long version, String because) {
        String refusal = control().refusalOfAutomatedPromotion(version, PARENTS::get).orElseThrow(
                () -> new AssertionError("version " + version + " should be refused"));
        assertTrue(refusal.contains(because), refusal);
    }
}
