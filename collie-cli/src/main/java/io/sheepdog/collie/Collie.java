package io.sheepdog.collie;

import io.sheepdog.collie.cluster.ClusterCommand;
import io.sheepdog.collie.key.KeyCommand;
import io.sheepdog.collie.node.NodeCommand;
import io.sheepdog.collie.vdi.VdiCommand;
import io.sheepdog.collie.vm.VmCommand;
import io.sheepdog.daemon.api.ResultCode;
import io.sheepdog.daemon.api.SheepException;
import io.sheepdog.daemon.client.SheepClient;
import io.sheepdog.daemon.client.SheepClientConfig;
import io.sheepdog.daemon.proto.SheepProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * {@code collie}: the root of the command tree and its entry point. The connection options are global: they may be
 * given before the noun or after the verb ({@code collie -p 7001 vdi list} or {@code collie vdi list -p 7001}).
 * Every failure ends in one line "collie: MESSAGE" on stderr (plus a stack trace with {@code --debug}) and the exit
 * code of {@link ExitCodes}.
 */
@Command(name = "collie",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = CollieVersion.class,
        description = "Administers a sheepdog cluster through one of its sheep.",
        subcommands = {ClusterCommand.class, NodeCommand.class, VdiCommand.class, VmCommand.class, KeyCommand.class},
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.FAILURE,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            " 0:success",
            " 1:failure (any other error)",
            " 2:cannot reach the sheep daemon",
            " 3:already exists (VDI, or cluster formatted)",
            " 4:no space left",
            " 5:not found (no such VDI)",
            "64:bad usage (unknown command or option, bad argument)",
            "77:not authorized (no key, a key the sheep does not accept, or a role that does not allow it)"})
public final class Collie {

    @Option(names = {"-a", "--address"}, scope = ScopeType.INHERIT, paramLabel = "ADDRESS",
            defaultValue = "${env:SHEEP_ADDRESS:-127.0.0.1}",
            description = "Address of the sheep to talk to (env SHEEP_ADDRESS; default: ${DEFAULT-VALUE}).")
    private String address;

    @Option(names = {"-p", "--port"}, scope = ScopeType.INHERIT, paramLabel = "PORT",
            defaultValue = "${env:SHEEP_PORT:-" + SheepProtocol.DEFAULT_PORT + "}",
            description = "Port of the sheep (env SHEEP_PORT; default: ${DEFAULT-VALUE}).")
    private int port;

    // Longer than a sheep's own limit for a request through the gateway (two peer timeouts, 60 s), so that when a
    // replica hangs the sheep's answer naming it arrives before collie gives up with a bare timeout.
    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "SECONDS", defaultValue = "90",
            description = "Seconds to wait for the connection and for each answer (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = {"-k", "--key"}, scope = ScopeType.INHERIT, paramLabel = "DIR",
            defaultValue = "${env:SHEEPDOG_KEY}",
            description = {"Key to authenticate with, for a cluster whose sheep run with --keys: a directory made by "
                    + "'collie key create' or 'collie cluster keygen' (env SHEEPDOG_KEY; default: "
                    + KeyLocation.USER_DEFAULT + " or " + KeyLocation.SYSTEM_DEFAULT + " if there).",
                "Without a key (or with --key none) collie talks plaintext, which only a sheep without keys "
                    + "accepts."})
    private Path key;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces of failures.")
    private boolean debug;

    private final CollieIo io;
    /** The client configuration with the key's TLS context, built once per run. */
    private SheepClientConfig clientConfig;

    public Collie(CollieIo io) {
        this.io = io;
    }

    public static void main(String[] args) {
        System.exit(run(CollieIo.system(), args));
    }

    /** Runs one collie command line; returns the exit code. */
    public static int run(CollieIo io, String... args) {
        CommandLine cl = new CommandLine(new Collie(io));
        cl.setOut(io.out());
        cl.setErr(io.err());
        cl.setParameterExceptionHandler(Collie::usageError);
        cl.setExecutionExceptionHandler(Collie::failure);
        try {
            return cl.execute(args);
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    CollieIo io() {
        return io;
    }

    /** A client for the sheep at the configured address; the caller closes it. */
    SheepClient connect() throws SheepException, CollieException {
        if (port < 1 || port > 65535) {
            throw new CollieException(ExitCodes.USAGE, "port out of range: " + port);
        }
        if (timeoutSeconds < 1) {
            throw new CollieException(ExitCodes.USAGE,
                    "--timeout must be at least 1 second");
        }
        return SheepClient.connect(address, port, clientConfig(Duration.ofSeconds(timeoutSeconds)));
    }

    /** A client for another member (for commands that ask every node); the caller closes it. */
    public SheepClient connect(String host, int memberPort) throws SheepException {
        return connect(host, memberPort, Duration.ofSeconds(Math.max(1, timeoutSeconds)));
    }

    /** Like {@link #connect(String, int)} with its own timeout. */
    public SheepClient connect(String host, int memberPort, Duration timeout) throws SheepException {
        try {
            return SheepClient.connect(host, memberPort, clientConfig(timeout));
        } catch (CollieException e) {
            throw new SheepException(ResultCode.NOT_AUTHORIZED, e.getMessage());
        }
    }

    private SheepClientConfig clientConfig(Duration timeout) throws CollieException {
        if (clientConfig == null) {
            clientConfig = SheepClientConfig.of(timeout).withTls(KeyLocation.load(key, io));
        }
        return new SheepClientConfig(timeout, timeout, clientConfig.maxFrameSize(), clientConfig.closeTimeout(),
                clientConfig.tls());
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("collie: " + e.getMessage());
        if (!UnmatchedArgumentException.printSuggestions(e, err)) {
            if (cl.getSubcommands().isEmpty()) {
                err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
            } else {
                // A noun without a verb, or an unknown verb: show which verbs there are.
                cl.usage(err);
            }
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    private static int failure(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        int code;
        if (e instanceof SheepException se) {
            err.println("collie: " + se.getMessage());
            code = se.result().exitCode();
        } else if (e instanceof CollieException ce) {
            err.println("collie: " + ce.getMessage());
            code = ce.exitCode();
        } else if (e instanceof IOException io) {
            err.println("collie: " + (io.getMessage() == null ? io.toString() : io.getMessage()));
            code = ExitCodes.FAILURE;
        } else {
            err.println("collie: internal error: " + e);
            code = ExitCodes.FAILURE;
        }
        Collie root = (Collie) cl.getCommandSpec().root().userObject();
        if (root.debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
