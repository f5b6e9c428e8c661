import "server-only";
import { findUnsafeInput } from "@/contracts/safe-text";
import { AppError } from "../errors";

/** 400 VALIDATION_FAILED naming the field when any string holds a NUL or a lone surrogate, or nesting is absurd. */
export function assertSafeStrings(raw: unknown): void {
  const bad = findUnsafeInput(raw);
  if (!bad) return;
  const field = bad.path || undefined;
  const message = bad.reason === "too_deep" ? "The input is nested too deeply." : "Text must not contain NUL characters or unpaired UTF-16 surrogates.";
  throw new AppError("VALIDATION_FAILED", field ? `${field}: ${message}` : message, { field });
}
