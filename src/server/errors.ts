/**
 * The one error type of the domain layer, mapped once at each boundary to { error: { code, message, field } }.
 *
 * Every code has exactly one HTTP status, declared here (a fact of the code, not a choice at the throw site):
 * add a new code to ERROR_STATUS, then throw `new AppError(code, message, { field })` or one of the factories.
 */
export const ERROR_STATUS = {
  // 400: the request itself is wrong
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_MULTIPART: 400,
  INVALID_PATH: 400,
  CAPTURED_AT_TOO_OLD: 400,
  CAPTURED_AT_IN_FUTURE: 400,
  PLANNED_VISIT_MISMATCH: 400,
  MFA_CODE_INVALID: 400,
  // 401: who you are is not established
  UNAUTHENTICATED: 401,
  ACCOUNT_MISMATCH: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_REFRESH_TOKEN: 401,
  REFRESH_TOKEN_REUSED: 401,
  MFA_REQUIRED: 401,
  MFA_INVALID: 401,
  // 403: who you are is known and not allowed
  FORBIDDEN: 403,
  CSRF_ORIGIN_MISMATCH: 403,
  MFA_ENROLMENT_REQUIRED: 403,
  OAUTH_MFA_ENROLLED: 403,
  OAUTH_NO_ACCOUNT: 403,
  SELF_REVIEW: 403,
  SIGNATURE_INVALID: 403,
  URL_EXPIRED: 403,
  // 404: missing, or outside your scope (the same answer on purpose)
  NOT_FOUND: 404,
  // 405
  METHOD_NOT_ALLOWED: 405,
  // 409: the request conflicts with the current state
  CONFLICT: 409,
  CONCURRENT_CHANGE: 409,
  CLIENT_ID_REUSED: 409,
  EMAIL_TAKEN: 409,
  EMPLOYEE_ID_TAKEN: 409,
  HAS_ACTIVE_REPORTS: 409,
  HIERARCHY_CYCLE: 409,
  INVALID_MANAGER: 409,
  MFA_ALREADY_ENABLED: 409,
  MFA_NOT_ENABLED: 409,
  MFA_NOT_ENROLLED: 409,
  MFA_NOT_STARTED: 409,
  MFA_REQUIRED_BY_ORG: 409,
  NO_OPEN_SESSION: 409,
  PLANNED_VISIT_DONE: 409,
  SELFIE_ALREADY_UPLOADED: 409,
  SELF_DEACTIVATION: 409,
  SELF_ROLE_CHANGE: 409,
  VISIT_ALREADY_CLOSED: 409,
  VISIT_ALREADY_OPEN: 409,
  VISIT_CLOSED: 409,
  VISIT_STILL_OPEN: 409,
  // 413 / 415 / 422
  PAYLOAD_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  IMAGE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IMAGE_UNREADABLE: 422,
  // 429 / 5xx
  RATE_LIMITED: 429,
  CLIENT_CLOSED_REQUEST: 499,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const statusOf = (code: ErrorCode): number => ERROR_STATUS[code];

/** No `status`: the code decides it (ERROR_STATUS), so two throw sites can never answer one code differently. */
export type AppErrorOptions = { field?: string; details?: Record<string, unknown>; cause?: unknown };

export class AppError extends Error {
  readonly status: number;
  readonly field?: string;
  readonly details?: Record<string, unknown>;
  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
    this.field = opts.field;
    this.details = opts.details;
  }
}

type Opts = AppErrorOptions;
export const notFound = (message = "Not found.", opts?: Opts) => new AppError("NOT_FOUND", message, opts);
export const forbidden = (message = "You are not allowed to do this.", opts?: Opts) => new AppError("FORBIDDEN", message, opts);
export const validationFailed = (message: string, field?: string, opts?: Opts) => new AppError("VALIDATION_FAILED", message, { ...opts, field: field ?? opts?.field });
export const conflict = (message: string, opts?: Opts) => new AppError("CONFLICT", message, opts);
export const clientIdReused = (field = "client_id") =>
  new AppError("CLIENT_ID_REUSED", "This client_id was already used for a different request. Generate a new client_id for a new action.", { field });

export type ErrorBody = { error: { code: string; message: string; field?: string } & Record<string, unknown> };

export function errorBody(err: AppError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...(err.details ?? {}) } };
}
