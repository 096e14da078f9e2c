package io.odestream.registry;

import io.odestream.UserFacingException;
import io.odestream.kafka.Rejection;

/** Thrown where an untrusted artifact was about to be published or served. */
public final class ArtifactRejectedException extends UserFacingException {
    private static final long serialVersionUID = 1L;
    private final transient Rejection rejection;

    public ArtifactRejectedException(Rejection rejection) {
        super(rejection.detail());
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }

    public Rejection.Reason reason() {
        return rejection.reason();
    }
}
