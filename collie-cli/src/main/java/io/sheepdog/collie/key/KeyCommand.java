package io.sheepdog.collie.key;

import picocli.CommandLine.Command;

@Command(name = "key", description = "Makes and shows keys signed by the cluster's CA (offline, no daemon needed).",
        subcommands = {KeyCreateCommand.class, KeyShowCommand.class})
public final class KeyCommand {
}
