import { z } from "zod";
import type { ApiOperation } from "../http/openapi-types";
import { apiKeyView, createApiKeyInput, createdApiKeyView } from "@/contracts/api-keys";
import { loginInput, logoutResponse, meResponse, refreshTokenInput, tokenResponse } from "@/contracts/auth";

const rateLimited = { description: "Too many requests (per user, API key or IP; or sign-in lockout). Retry-After says when to come back." };
const unauthenticated = { description: "No valid credential (missing, expired, tampered, revoked, or the person is deactivated)." };
const forbidden = { description: "The role or a read-only API key lacks the permission; or a cookie mutation came from another origin (CSRF_ORIGIN_MISMATCH)." };
const badInput = { description: "Malformed body: `error.field` names the first bad field." };
const unsupported = { description: "The body is not application/json." };

/** The auth and API-key routes, for the generated OpenAPI document. */
export const authOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/auth/login",
    summary: "Sign in: email + password (+ TOTP or a recovery code once MFA is enrolled) → access and refresh token",
    description:
      "The access token (JWT, 15 minutes) goes in `Authorization: Bearer`. The refresh token (opaque, 30 days) is single use: " +
      "POST it to /auth/refresh for a new pair. Unknown email and wrong password answer the same 401 INVALID_CREDENTIALS; " +
      "401 MFA_REQUIRED asks for `totp` or `recovery_code`. Consecutive failures lock the account (and IP) for growing periods (429).",
    tag: "auth",
    permission: null,
    body: loginInput,
    responses: {
      200: { description: "Signed in", schema: tokenResponse },
      400: badInput,
      401: { description: "INVALID_CREDENTIALS, MFA_REQUIRED or MFA_INVALID" },
      403: { description: "MFA_ENROLMENT_REQUIRED: the organisation requires MFA and this manager/admin has not enrolled (web app, Security page)" },
      415: unsupported,
      429: rateLimited,
    },
  },
  {
    method: "post",
    path: "/api/v1/auth/refresh",
    summary: "Rotate a refresh token: the old one is spent, a new access + refresh token pair is returned",
    description: "Presenting an already-used refresh token revokes every token of that sign-in (the family) and answers 401 REFRESH_TOKEN_REUSED.",
    tag: "auth",
    permission: null,
    body: refreshTokenInput,
    responses: {
      200: { description: "New token pair", schema: tokenResponse },
      400: badInput,
      401: { description: "INVALID_REFRESH_TOKEN or REFRESH_TOKEN_REUSED" },
      403: { description: "MFA_ENROLMENT_REQUIRED (the token is not spent)" },
      415: unsupported,
      429: rateLimited,
    },
  },
  {
    method: "post",
    path: "/api/v1/auth/logout",
    summary: "Sign out this client: revokes the refresh token's family (idempotent)",
    tag: "auth",
    permission: null,
    body: refreshTokenInput,
    responses: { 200: { description: "Revoked (0 when already revoked or unknown)", schema: logoutResponse }, 400: badInput, 415: unsupported, 429: rateLimited },
  },
  {
    method: "get",
    path: "/api/v1/auth/me",
    summary: "Who the credential acts as (session cookie, access token or API key)",
    tag: "auth",
    permission: "account.read",
    responses: { 200: { description: "The actor", schema: meResponse }, 401: unauthenticated, 429: rateLimited },
  },
  {
    method: "get",
    path: "/api/v1/api-keys",
    summary: "List API keys (admins); secrets are never listed",
    tag: "api-keys",
    permission: "apikeys.manage",
    responses: { 200: { description: "Newest first", schema: z.object({ items: z.array(apiKeyView) }) }, 401: unauthenticated, 403: forbidden, 429: rateLimited },
  },
  {
    method: "post",
    path: "/api/v1/api-keys",
    summary: "Create an API key (admins): the secret `fb_…` is in this answer only",
    description:
      "Send it as `X-API-Key: fb_…` or `Authorization: Bearer fb_…`. `read` keys may only read; `read_write` keys act fully as `personnel_id` " +
      "(an active manager or admin; default yourself), within that person's scope. Idempotent on client_id: a replay answers 200 without the secret.",
    tag: "api-keys",
    permission: "apikeys.manage",
    body: createApiKeyInput,
    responses: {
      201: { description: "Created; `secret` shown once", schema: createdApiKeyView },
      200: { description: "Replay of the same client_id: metadata, no secret", schema: apiKeyView },
      400: badInput,
      401: unauthenticated,
      403: forbidden,
      409: { description: "client_id already used by another request" },
      415: unsupported,
      429: rateLimited,
    },
  },
  {
    method: "delete",
    path: "/api/v1/api-keys/{id}",
    summary: "Revoke an API key (admins); its next request answers 401. Idempotent.",
    tag: "api-keys",
    permission: "apikeys.manage",
    responses: { 200: { description: "The revoked key", schema: apiKeyView }, 400: badInput, 401: unauthenticated, 403: forbidden, 404: { description: "No such key" }, 429: rateLimited },
  },
];
