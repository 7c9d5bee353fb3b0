package io.sheepdog.collie;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The output format options of the listing commands: tables by default, {@code -r} as dog's raw output, or JSON. */
public final class OutputOptions {

    /** How to print. */
    public enum Format {
        /** Aligned columns with human sizes, as dog prints them. */
        TABLE,
        /** No header, fields separated by spaces, sizes in bytes, times in seconds since the epoch (dog's -r). */
        RAW,
        /** The daemon's records as JSON. */
        JSON
    }

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = {"-r", "--raw"}, description = "Raw output: no header, space-separated fields, sizes in bytes.")
    private boolean raw;

    @Option(names = "--json", description = "JSON output.")
    private boolean json;

    /** The chosen format; -r and --json together are a usage error. */
    public Format format() {
        if (raw && json) {
            throw new ParameterException(mixee.commandLine(), "choose either -r/--raw or --json, not both");
        }
        return json ? Format.JSON : raw ? Format.RAW : Format.TABLE;
    }
}
