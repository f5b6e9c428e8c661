/** The one error type of the domain layer, mapped once at each boundary to { error: { code, message, field } }. */
export type AppErrorOptions = { status?: number; field?: string; details?: Record<string, unknown>; cause?: unknown };

export class AppError extends Error {
  readonly status: number;
  readonly field?: string;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly code: string,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.status = opts.status ?? 400;
    this.field = opts.field;
    this.details = opts.details;
  }
}

export type ErrorBody = { error: { code: string; message: string; field?: string } & Record<string, unknown> };

export function errorBody(err: AppError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(err.details ?? {}) } };
}
