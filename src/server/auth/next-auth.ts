import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";
import { env, requireAuthSecret } from "@/env";
import type { RequestMeta } from "../audit/record-audit";
import { getDb } from "../db";
import type { PersonnelRole } from "../db/schema";
import { AppError } from "../errors";
import { trustedClientIp } from "../http/trust";
import { log } from "../log";
import { googleSignIn } from "./google-sign-in";
import { signIn } from "./sign-in";
import { SESSION_COOKIE, SESSION_MAX_AGE_S, useSecureCookies } from "./session-cookie";

declare module "next-auth" {
  interface User {
    role: PersonnelRole;
  }
  interface Session {
    user: { id: string; role: PersonnelRole; name: string; email: string };
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    role?: PersonnelRole;
    /** When the person signed in (ms): survives session refreshes, unlike `iat`; compared with tokens_valid_after. */
    signed_in_at?: number;
  }
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Client IP by the same trust rule as the API (TRUST_PROXY_HOPS, else the door's peer address; null when neither says it). */
function metaFrom(headers: Record<string, string | string[] | undefined> | undefined): RequestMeta {
  const h = new Headers();
  for (const [name, value] of Object.entries(headers ?? {})) {
    const v = first(value);
    if (v !== undefined && /^[\x20-\x7e]*$/.test(v)) h.set(name, v);
  }
  return { ip: trustedClientIp(h), userAgent: first(headers?.["user-agent"]) ?? null };
}

/**
 * next-auth v4, Credentials + JWT sessions (encrypted cookie, httpOnly, SameSite=Lax, Secure in
 * production). Built on first use, not at import: `next build` must not need the production secret.
 * The credential check itself is `signIn()`, shared with the API login.
 */
export function getAuthOptions(): NextAuthOptions {
  return {
    secret: requireAuthSecret(),
    useSecureCookies,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    cookies: {
      sessionToken: { name: SESSION_COOKIE, options: { httpOnly: true, sameSite: "lax", path: "/", secure: useSecureCookies } },
    },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { type: "email" }, password: { type: "password" }, totp: { type: "text" }, recovery_code: { type: "text" } },
        async authorize(credentials, req) {
          const email = credentials?.email ?? "";
          const password = credentials?.password ?? "";
          if (!email || !password) throw new Error("INVALID_CREDENTIALS");
          try {
            const actor = await signIn(
              await getDb(),
              { email, password, totp: credentials?.totp || undefined, recovery_code: credentials?.recovery_code || undefined },
              metaFrom(req.headers),
              new Date(),
            );
            return { id: String(actor.id), email: actor.email, name: actor.name, role: actor.role };
          } catch (err) {
            // next-auth hands the message to the browser as `error`: only our public codes, never internals.
            if (err instanceof AppError) throw new Error(err.code);
            log.error("sign-in failed unexpectedly", { error: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
            throw new Error("INTERNAL");
          }
        },
      }),
      // Optional: only existing, active people, matched by their Google-verified email (google-sign-in.ts).
      ...(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET ? [GoogleProvider({ clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET })] : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "google") return true;
        try {
          const actor = await googleSignIn(await getDb(), profile as { email?: string; email_verified?: boolean }, { ip: null, userAgent: null }, new Date());
          // Our id and role replace Google's in the session token (jwt callback below).
          Object.assign(user, { id: String(actor.id), role: actor.role, name: actor.name, email: actor.email });
          return true;
        } catch (err) {
          if (err instanceof AppError) return `/login?error=${err.code}`;
          throw err;
        }
      },
      jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.role = user.role;
          token.signed_in_at = Date.now();
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.sub ?? "", role: token.role ?? "rep", name: token.name ?? "", email: token.email ?? "" };
        return session;
      },
    },
    logger: {
      error: (code, metadata) => log.warn("next-auth", { code, metadata: metadata instanceof Error ? metadata.message : metadata }),
      warn: (code) => (code === "NO_SECRET" || code === "DEBUG_ENABLED" ? log.warn("next-auth", { code }) : undefined),
      debug: () => undefined,
    },
    debug: env.NODE_ENV === "development" && env.LOG_LEVEL === "debug",
  };
}
