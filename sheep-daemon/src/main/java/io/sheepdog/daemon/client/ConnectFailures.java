package io.sheepdog.daemon.client;

import io.netty.channel.ConnectTimeoutException;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Words a failed connection attempt for a person: "cannot connect to sheep at HOST:PORT: REASON", where REASON is the
 * operating system's ("Connection refused") without the transport's decorations.
 */
final class ConnectFailures {

    private static final Pattern NATIVE_PREFIX = Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

    private ConnectFailures() {
    }

    static SheepException toException(String peer, Throwable cause, Duration timeout) {
        return new SheepException(ResultCode.NETWORK_ERROR,
                "cannot connect to sheep at " + peer + ": " + reason(cause, timeout), cause);
    }

    static String reason(Throwable cause, Duration timeout) {
        if (cause instanceof ConnectTimeoutException) {
            return "no answer within " + SheepClientHandler.describe(timeout);
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        String m = cause.getMessage();
        if (m == null) {
            return cause.getClass().getSimpleName();
        }
        // Netty's native transport says "finishConnect(..) failed with error(-111): Connection refused: /1.2.3.4:7000"
        // or "connect(..) failed: ..."; keep the operating system's words.
        m = NATIVE_PREFIX.matcher(m).replaceFirst("");
        int address = m.indexOf(": /");
        return address > 0 ? m.substring(0, address) : m;
    }
}
