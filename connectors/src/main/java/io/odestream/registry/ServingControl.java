package io.odestream.registry;

import io.odestream.schema.RegistryServing;
import io.odestream.schema.RegistryServingAction;
import io.odestream.schema.RegistryServingChange;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * What a serving pointer's history allows automation (fine-tuning, shadow mode) to promote. Read
 * from the history alone, so every reader of the pointer agrees and nothing else must be stored.
 *
 * <ul>
 *   <li><b>Pin</b>: a {@code ROLLED_BACK} or {@code HELD} change pins the served version until a
 *       {@code RELEASED} change or an operator's {@code PROMOTED}; while it stands, automation
 *       promotes nothing.</li>
 *   <li><b>Rolled-back lineage</b>: a version that serving was rolled back from is blocked, and so
 *       is every descendant of it, until an operator promotes that version or a descendant (which
 *       vouches for that branch). Walking a candidate's ancestry upwards, the nearest version the
 *       history blocks or vouches for decides.</li>
 * </ul>
 * An operator's promote is never refused: it is the explicit decision the rules wait for.
 */
public final class ServingControl {
    private final RegistryServingChange pin;
    private final Set<Long> blocked = new HashSet<>();
    private final Set<Long> vouched = new HashSet<>();

    private ServingControl(RegistryServing pointer) {
        RegistryServingChange standing = null;
        if (pointer != null) {
            for (RegistryServingChange c : pointer.getHistory()) {
                RegistryServingAction action = c.getAction();
                if (action == RegistryServingAction.ROLLED_BACK || action == RegistryServingAction.HELD) {
                    standing = c;
                } else if (action == RegistryServingAction.RELEASED
                        || (action == RegistryServingAction.PROMOTED && !c.getAutomated())) {
                    standing = null;
                }
                if (action == RegistryServingAction.ROLLED_BACK && c.getFromVersion() != null) {
                    blocked.add(c.getFromVersion());
                    vouched.remove(c.getFromVersion());
                } else if (action == RegistryServingAction.PROMOTED && !c.getAutomated()) {
                    vouched.add(c.getVersion());
                    blocked.remove(c.getVersion());
                }
            }
        }
        this.pin = standing;
    }

    /** The rules a pointer's history sets; {@code pointer} is null for a model never promoted. */
    public static ServingControl of(RegistryServing pointer) {
        return new ServingControl(pointer);
    }

    /** The change that pins the served version now (a rollback or a hold), if one stands. */
    public Optional<RegistryServingChange> pin() {
        return Optional.ofNullable(pin);
    }

    /**
     * Why automation may not promote {@code version}, or empty when it may.
     *
     * @param parentOf the parent version of a version, null for a root or an unknown version
     */
    public Optional<String> refusalOfAutomatedPromotion(long version, LongFunction<Long> parentOf) {
        if (pin != null) {
            return Optional.of("serving is pinned to version " + pin.getVersion() + " by a " + describe(pin)
                    + "; release it with `odestream models release` or promote by hand");
        }
        Set<Long> seen = new HashSet<>(); // stops at a malformed cycle of parents
        for (Long v = version; v != null && seen.add(v); v = parentOf.apply(v)) {
            if (vouched.contains(v)) {
                return Optional.empty();
            }
            if (blocked.contains(v)) {
                return Optional.of((v == version ? "version " + version + " was" : "version " + version
                        + " descends from version " + v + ", which was") + " rolled back; only an operator's "
                        + "`odestream models promote` can bring that lineage back");
            }
        }
        return Optional.empty();
    }

    private static String describe(RegistryServingChange c) {
        return (c.getAction() == RegistryServingAction.HELD ? "hold" : "rollback")
                + (c.getChangedBy().isEmpty() ? "" : " by " + c.getChangedBy()) + " at " + c.getChangedAt()
                + " (" + c.getReason() + ")";
    }
}
