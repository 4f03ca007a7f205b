// The shape of a `pcscope` subcommand: each lives in its own file under src/cli/ (its one-line
// summary for `pcscope help` is in src/cli.ts, so the overview loads no command).

export interface CliCommand {
  /** The word after `pcscope`. */
  readonly name: string;
  /** Full usage text for `pcscope help NAME`, `pcscope NAME --help` and usage errors. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit status. Throws UserError for bad input. */
  run(args: string[]): Promise<number>;
}
