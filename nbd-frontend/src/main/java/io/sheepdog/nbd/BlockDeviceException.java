package io.sheepdog.nbd;

/** A block device failure with the NBD error to send to the client. */
public class BlockDeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final NbdError error;

    public BlockDeviceException(NbdError error, String message) {
        super(message);
        this.error = error;
    }

    public BlockDeviceException(NbdError error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public NbdError error() {
        return error;
    }
}
