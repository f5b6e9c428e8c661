/**
 * The session cookie's name and lifetime, shared by next-auth, session.ts and proxy.ts (edge-safe: no
 * server-only imports). Secure cookies in production; the `__Secure-` prefix makes browsers enforce it.
 */
import { env } from "@/env";

export const useSecureCookies = env.NODE_ENV === "production";
export const SESSION_COOKIE = useSecureCookies ? "__Secure-next-auth.session-token" : "next-auth.session-token";
/** Reps sign in once on their phone: a month, refreshed while used. Access is still re-checked per request. */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;
