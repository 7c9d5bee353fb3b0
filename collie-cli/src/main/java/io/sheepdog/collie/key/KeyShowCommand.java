package io.sheepdog.collie.key;

import com.google.common.hash.Hashing;
import io.sheepdog.collie.CollieException;
import io.sheepdog.collie.CollieIo;
import io.sheepdog.collie.ExitCodes;
import io.sheepdog.collie.OfflineCommand;
import io.sheepdog.daemon.security.Credentials;
import io.sheepdog.daemon.security.Identity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code collie key show DIR}: who a key names, its role and how long it is valid. */
@Command(name = "show", description = "Shows who a key names, its role, its cluster and how long it is valid.")
public final class KeyShowCommand extends OfflineCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "A key directory (from 'collie key create').")
    private Path dir;

    @Override
    protected int run(CollieIo io) throws CollieException {
        Credentials key;
        try {
            key = Credentials.loadClient(dir, Instant.now());
        } catch (IOException e) {
            throw new CollieException(ExitCodes.NOT_AUTHORIZED, e.getMessage());
        }
        Identity who = key.identity();
        PrintWriter out = io.out();
        out.println("Name:        " + who.name());
        out.println("Role:        " + who.role().label() + (who.vdis().isEmpty() ? "" : " " + String.join(", ",
                who.vdis())));
        out.println("Cluster CA:  " + key.ca().getSubjectX500Principal().getName());
        out.println("Valid from:  " + key.certificate().getNotBefore().toInstant());
        out.println("Valid until: " + key.certificate().getNotAfter().toInstant());
        try {
            out.println("SHA-256:     " + Hashing.sha256().hashBytes(key.certificate().getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new CollieException(ExitCodes.FAILURE, "cannot encode the certificate: " + e.getMessage());
        }
        return ExitCodes.SUCCESS;
    }
}
