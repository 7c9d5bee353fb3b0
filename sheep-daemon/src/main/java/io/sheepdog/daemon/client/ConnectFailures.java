package io.sheepdog.daemon.client;

import io.netty.channel.ConnectTimeoutException;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Words a failed connection attempt for a person: "cannot connect to sheep at HOST:PORT: REASON", where REASON is the
 * operating system's ("Connection refused") without the transport's decorations.
 */
final class ConnectFailures {

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
        // Netty's native transport says "connect(..) failed: Connection refused: /127.0.0.1:7000"; keep the middle.
        m = m.replace("connect(..) failed: ", "");
        int address = m.indexOf(": /");
        return address > 0 ? m.substring(0, address) : m;
    }
}
