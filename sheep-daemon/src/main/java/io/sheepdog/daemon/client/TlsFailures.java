package io.sheepdog.daemon.client;

import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Words a failed TLS handshake for a person. The JDK's words ("Received fatal alert: certificate_unknown", "PKIX path
 * building failed: ...") say what broke but not what to do; this says which side refused and the usual causes.
 */
final class TlsFailures {
    private TlsFailures() {
    }

    /** Whether {@code cause} is a TLS alert the other side sent (it refused something of ours). */
    static boolean isAlert(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT)
                    .contains("received fatal alert")) {
                return true;
            }
        }
        return false;
    }

    static SheepException toException(String peer, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf((isAlert(cause) ? alert(cause) : cause).getMessage());
        String lower = m.toLowerCase(Locale.ROOT);
        if (!isAlert(cause) && (root instanceof ClosedChannelException || lower.contains("closed"))) {
            return new SheepException(ResultCode.NETWORK_ERROR, "the sheep at " + peer + " closed the connection "
                    + "during the TLS handshake: does it run with --keys?", cause);
        }
        if (lower.contains("received fatal alert")) {
            return new SheepException(ResultCode.NOT_AUTHORIZED, "the sheep at " + peer + " refused this key ("
                    + m.substring(lower.indexOf("received fatal alert") + "received fatal alert: ".length())
                    + "): is it a key of this cluster, and still valid?", cause);
        }
        return new SheepException(ResultCode.NOT_AUTHORIZED, "the sheep at " + peer + " is not trusted by this "
                + "key (" + String.valueOf(root.getMessage()) + "): a sheep of another cluster?", cause);
    }

    private static Throwable alert(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("received fatal alert")) {
                return t;
            }
        }
        return cause;
    }
}
