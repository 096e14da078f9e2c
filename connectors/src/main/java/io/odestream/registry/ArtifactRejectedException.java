package io.odestream.registry;

import io.odestream.UserFacingException;

/** Thrown where an untrusted artifact was about to be published or served. */
public final class ArtifactRejectedException extends UserFacingException {
    private static final long serialVersionUID = 1L;
    private final transient ArtifactRejection rejection;

    public ArtifactRejectedException(ArtifactRejection rejection) {
        super(rejection.message());
        this.rejection = rejection;
    }

    public ArtifactRejection rejection() {
        return rejection;
    }

    public RejectionReason reason() {
        return rejection.reason();
    }
}
