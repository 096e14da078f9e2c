package io.odestream;

/**
 * A failure the user can fix: bad input, a missing file, an untrusted artifact, a diverged
 * training run. Its message names the input and says what to do, so the command line prints the
 * message and no stack trace; anything that is not a {@code UserFacingException} is a bug and
 * keeps its stack trace. Lives in schemas, the one module every other depends on (connectors
 * does not depend on ode-core).
 */
public abstract class UserFacingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected UserFacingException(String message) {
        super(message);
    }

    protected UserFacingException(String message, Throwable cause) {
        super(message, cause);
    }
}
