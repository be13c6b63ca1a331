/**
 * An expected failure whose message is fit to show a user as is (bad input, missing file,
 * unreachable server). Front ends render it plainly; anything else is a bug and is logged whole.
 */
export class MichiError extends Error {
  override readonly name = "MichiError";
}

export function isMichiError(error: unknown): error is MichiError {
  return error instanceof MichiError;
}
