// The shape of a `pcscope` subcommand: each lives in its own file under src/cli/.

export interface CliCommand {
  /** The word after `pcscope`. */
  readonly name: string;
  /** One line for `pcscope help`. */
  readonly summary: string;
  /** Full usage text for `pcscope help NAME` and usage errors. */
  readonly usage: string;
  /** Runs the command; resolves to the process exit status. Throws UserError for bad input. */
  run(args: string[]): Promise<number>;
}
