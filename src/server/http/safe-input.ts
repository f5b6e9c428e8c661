import "server-only";
import { findUnsafeInput, MAX_INPUT_DEPTH, MAX_INPUT_VALUES, MIN_INPUT_MAGNITUDE, type UnsafeInput } from "@/contracts/safe-text";
import { AppError } from "../errors";

/**
 * The answer to an input past the limits or holding unsafe text: 413 PAYLOAD_TOO_LARGE for too many values
 * (like too many bytes), 400 VALIDATION_FAILED naming the field for the rest.
 */
export function unsafeInputError(bad: Pick<UnsafeInput, "reason"> & { path?: string }): AppError {
  if (bad.reason === "too_many_values") {
    return new AppError("PAYLOAD_TOO_LARGE", `The input holds more than ${MAX_INPUT_VALUES} values.`, { details: { max_values: MAX_INPUT_VALUES } });
  }
  const field = bad.path || undefined;
  const message =
    bad.reason === "too_deep"
      ? `The input is nested too deeply (more than ${MAX_INPUT_DEPTH} levels).`
      : bad.reason === "bad_number"
        ? `Numbers must be finite, and 0 or at least ${MIN_INPUT_MAGNITUDE} in magnitude.`
        : "Text must not contain NUL characters or unpaired UTF-16 surrogates.";
  return new AppError("VALIDATION_FAILED", field ? `${field}: ${message}` : message, { field });
}

/** Throws unsafeInputError when any string holds a NUL or a lone surrogate, nesting is absurd or the input is huge. */
export function assertSafeStrings(raw: unknown): void {
  const bad = findUnsafeInput(raw);
  if (bad) throw unsafeInputError(bad);
}
