/**
 * collie, the command-line administration tool of the cluster, modelled on Sheepdog's {@code dog}/{@code collie}:
 * a noun/verb tree ({@code collie vdi create}, one class per verb in a package per noun) built with picocli on top of
 * {@code SheepClient}. {@link io.sheepdog.collie.Collie} holds the options every command shares (address, port,
 * timeout, debug), runs the tree and maps failures to the documented exit codes ({@link io.sheepdog.collie.ExitCodes}).
 * Output follows dog's formats: tables for people, {@code -r} for scripts, {@code --json} for programs.
 */
package io.sheepdog.collie;
