package io.sheepdog.collie.vdi;

import picocli.CommandLine.Command;

/** {@code collie vdi object ...}: the objects of a VDI. */
@Command(name = "object", description = "Shows the objects of a VDI.", subcommands = VdiObjectMapCommand.class)
public final class VdiObjectCommand {
}
