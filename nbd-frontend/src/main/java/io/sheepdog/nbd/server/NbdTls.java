package io.sheepdog.nbd.server;

import io.netty.handler.ssl.SslContext;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS of the NBD port (proto.md, "TLS support"): the server's context and whether clients must use it.
 *
 * @param mode    {@link Mode#OFF}: NBD_OPT_STARTTLS is refused; {@link Mode#ALLOW}: a client may upgrade;
 *                {@link Mode#REQUIRE}: every option before NBD_OPT_STARTTLS but NBD_OPT_ABORT is answered
 *                NBD_REP_ERR_TLS_REQD (an NBD_OPT_EXPORT_NAME, which has no error reply, ends the connection)
 * @param context the server's TLS context (its certificate; whether client certificates are required is the
 *                context's choice); present unless the mode is off
 */
public record NbdTls(Mode mode, Optional<SslContext> context) {
    /** No TLS. */
    public static final NbdTls OFF = new NbdTls(Mode.OFF, Optional.empty());

    public NbdTls {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(context, "context");
        if (mode != Mode.OFF && context.isEmpty()) {
            throw new IllegalArgumentException("NBD TLS mode " + mode.label() + " needs a TLS context");
        }
        if (mode == Mode.OFF) {
            context = Optional.empty();
        }
    }

    /** How NBD clients may or must use TLS; labels as on the command line ({@code --nbd-tls}). */
    public enum Mode {
        OFF, ALLOW, REQUIRE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String label) {
            for (Mode m : values()) {
                if (m.label().equalsIgnoreCase(label)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--nbd-tls must be require, allow or off, not '" + label + "'");
        }
    }
}
