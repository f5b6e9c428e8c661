/** An /api/v1 answer that was not 2xx, in the documented error shape `{ error: { code, message, field? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Seconds to wait before trying again (429 Retry-After). */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
  /** A refusal the server will repeat for the same request (4xx other than 401/408/429): retrying cannot help. */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && ![401, 408, 429].includes(this.status);
  }
}

/** The network did not answer (offline, DNS, reset): the request may or may not have arrived. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : "network error");
    this.name = "NetworkError";
  }
}

export type ApiClientOptions = {
  /** "" (same origin) in the browser and the service worker. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /**
   * Called once on a 401: refresh the credential (true → the request is retried once) or send the person to sign
   * in (false → the 401 is thrown). The PWA's cookie session has nothing to refresh, so its default answers false.
   */
  onUnauthorized?: () => Promise<boolean>;
  /** How many 429 answers to wait out (Retry-After, capped at maxWaitS) before throwing. Default 1. */
  retries429?: number;
  maxWaitS?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * The person these requests speak for (the owner of the queued work, the rep whose plan is cached). Sent as
   * ACCOUNT_HEADER; the server refuses (401 ACCOUNT_MISMATCH) when another account's credential came with it, so work
   * recorded by one person on a shared phone can never be sent under whoever's cookie the browser holds now.
   */
  account?: number;
};

/** Names the person a request is meant for; the server checks it against the credential (server/auth/authenticate.ts). */
export const ACCOUNT_HEADER = "x-fieldbeat-account";

export type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** JSON body, or FormData for multipart uploads. */
  body?: unknown;
  signal?: AbortSignal;
};

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function retryAfterSeconds(res: Response, payload: unknown): number | undefined {
  const header = res.headers.get("retry-after");
  if (header && /^\d+$/.test(header.trim())) return Number(header);
  if (header) {
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  const fromBody = (payload as { error?: { retry_after_s?: unknown } } | null)?.error?.retry_after_s;
  return typeof fromBody === "number" ? fromBody : undefined;
}

async function toApiError(res: Response): Promise<ApiError> {
  const payload: unknown = await res.json().catch(() => null);
  const err = (payload as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  const code = typeof err?.code === "string" ? err.code : `HTTP_${res.status}`;
  const message = typeof err?.message === "string" ? err.message : res.statusText || `HTTP ${res.status}`;
  return new ApiError(res.status, code, message, typeof err?.field === "string" ? err.field : undefined, retryAfterSeconds(res, payload));
}

/** A typed fetch for /api/v1: JSON or multipart in, the contract's type out, errors as ApiError/NetworkError. */
export function createApiClient(opts: ApiClientOptions = {}) {
  const doFetch = opts.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const sleep = opts.sleep ?? defaultSleep;
  const retries429 = opts.retries429 ?? 1;
  const maxWaitS = opts.maxWaitS ?? 60;

  async function send(path: string, o: RequestOptions): Promise<Response> {
    const isForm = typeof FormData !== "undefined" && o.body instanceof FormData;
    const headers: Record<string, string> = { accept: "application/json" };
    if (o.body !== undefined && !isForm) headers["content-type"] = "application/json";
    if (opts.account !== undefined) headers[ACCOUNT_HEADER] = String(opts.account);
    const init: RequestInit = {
      method: o.method ?? (o.body === undefined ? "GET" : "POST"),
      headers,
      credentials: "same-origin",
      cache: "no-store",
      signal: o.signal,
      body: o.body === undefined ? undefined : isForm ? (o.body as FormData) : JSON.stringify(o.body),
    };
    try {
      return await doFetch(`${opts.baseUrl ?? ""}${path}`, init);
    } catch (err) {
      if ((err as { name?: string })?.name === "AbortError") throw err;
      throw new NetworkError(err);
    }
  }

  /**
   * T is the contract's response type (src/contracts, imported as a type only): the server validates what it answers
   * with the same zod schemas, and keeping zod out of the rep bundle saves ~15 kB gzip of first-load JavaScript.
   */
  async function request<T>(path: string, o: RequestOptions = {}): Promise<T> {
    let refreshed = false;
    for (let waited429 = 0; ; ) {
      const res = await send(path, o);
      if (res.ok) {
        return (res.status === 204 ? null : await res.json()) as T;
      }
      const err = await toApiError(res);
      if (res.status === 401 && !refreshed && opts.onUnauthorized) {
        refreshed = true;
        if (await opts.onUnauthorized()) continue;
      }
      if (res.status === 429 && waited429 < retries429 && (err.retryAfterS ?? 1) <= maxWaitS) {
        waited429++;
        await sleep((err.retryAfterS ?? 1) * 1000);
        continue;
      }
      throw err;
    }
  }

  return { request };
}
export type ApiClient = ReturnType<typeof createApiClient>;
