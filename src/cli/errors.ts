// Errors the command line reports as one line with exit status 2 (bad option, bad file, bad image).

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
