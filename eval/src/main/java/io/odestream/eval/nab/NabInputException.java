package io.odestream.eval.nab;

/** An input of the NAB scorer that cannot be used; the message names the file, the line and what to do. */
public final class NabInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NabInputException(String message) {
        super(message);
    }

    public NabInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
