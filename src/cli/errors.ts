// Errors the command line reports as one line with exit status 2 (bad option, bad file, bad image).
import { ConfigError } from "../emu/machine/config.ts";

/** A user-facing error: printed as `pcscope: <message>` with exit status 2, never with a stack. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly status = 2,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** The error to rethrow for `err`: the machine layer's ConfigError as a UserError with its message, else `err`. */
export function asUserError(err: unknown): unknown {
  return err instanceof ConfigError ? new UserError(err.message) : err;
}
