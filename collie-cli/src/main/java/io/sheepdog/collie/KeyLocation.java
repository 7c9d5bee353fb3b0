package io.sheepdog.collie;

import io.netty.handler.ssl.SslContext;
import io.sheepdog.daemon.security.Credentials;
import io.sheepdog.daemon.security.TlsContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where collie finds its key, the way {@code ceph} finds a keyring: {@code --key DIR}, else {@code SHEEPDOG_KEY},
 * else {@value #USER_DEFAULT} under the home directory, else {@value #SYSTEM_DEFAULT}; none of them: plaintext.
 * {@code --key none} is plaintext whatever else is there (a sheep without keys, with a key file lying around).
 */
final class KeyLocation {
    static final String USER_DEFAULT = "~/.sheepdog/key";
    static final String SYSTEM_DEFAULT = "/etc/sheepdog/key";
    /** The {@code --key} value that means no key. */
    static final String NONE = "none";

    private KeyLocation() {
    }

    /**
     * The TLS context of the key given or found, or empty for none.
     *
     * @throws CollieException NOT_AUTHORIZED if the key cannot be used (missing file, expired, not signed by its CA)
     */
    static Optional<SslContext> load(Path given, CollieIo io) throws CollieException {
        if (given != null && given.toString().equals(NONE)) {
            return Optional.empty();
        }
        Optional<Path> dir = Optional.ofNullable(given).or(KeyLocation::found);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TlsContexts(Credentials.loadClient(dir.get(), Instant.now())).client());
        } catch (IOException e) {
            throw new CollieException(ExitCodes.NOT_AUTHORIZED, "cannot use the key: " + e.getMessage());
        }
    }

    private static Optional<Path> found() {
        Path user = Path.of(System.getProperty("user.home"), USER_DEFAULT.substring(2));
        if (Files.isDirectory(user)) {
            return Optional.of(user);
        }
        Path system = Path.of(SYSTEM_DEFAULT);
        return Files.isDirectory(system) ? Optional.of(system) : Optional.empty();
    }
}
