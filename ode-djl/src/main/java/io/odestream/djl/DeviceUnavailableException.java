package io.odestream.djl;

import io.odestream.UserFacingException;

/** The configured device (e.g. {@code gpu:1}) does not exist on this machine or with these natives. */
public final class DeviceUnavailableException extends UserFacingException {
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message) {
        super(message);
    }
}
