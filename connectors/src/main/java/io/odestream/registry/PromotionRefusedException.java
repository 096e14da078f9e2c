package io.odestream.registry;

/**
 * An automated promotion that the serving history forbids (a pin, a hold, or a candidate that
 * descends from a rolled-back version). Nothing was written; the candidate stays published.
 */
public final class PromotionRefusedException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public PromotionRefusedException(String message) {
        super(message);
    }
}
