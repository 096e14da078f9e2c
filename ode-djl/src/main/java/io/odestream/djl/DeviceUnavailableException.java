package io.odestream.djl;

/** The configured device (e.g. {@code gpu:1}) does not exist on this machine or with these natives. */
public final class DeviceUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message) {
        super(message);
    }
}
