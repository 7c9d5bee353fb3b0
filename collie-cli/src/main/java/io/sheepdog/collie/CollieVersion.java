package io.sheepdog.collie;

import io.sheepdog.daemon.proto.SheepProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code collie --version}: the build's version (filtered into collie.properties) and the protocol version. */
public final class CollieVersion implements IVersionProvider {

    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = CollieVersion.class.getResourceAsStream("collie.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"collie " + p.getProperty("version", "unknown")
                + " (sheep protocol version " + SheepProtocol.VERSION + ")"};
    }
}
