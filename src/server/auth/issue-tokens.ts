import "server-only";
import type { RequestMeta } from "../audit/record-audit";
import type { Db } from "../db/client";
import type { Actor } from "./actor";
import type { TokenResponse } from "./auth.schemas";
import { issueRefreshToken } from "./refresh-tokens";
import { ACCESS_TOKEN_TTL_S, issueAccessToken } from "./tokens";

/** The API login/refresh answer: a 15-minute access token and a refresh token (new family unless given). */
export async function tokenPair(db: Db, person: Pick<Actor, "id" | "name" | "email" | "role">, meta: RequestMeta, now: Date, refreshToken?: string): Promise<TokenResponse> {
  return {
    access_token: await issueAccessToken(person.id, now),
    refresh_token: refreshToken ?? (await issueRefreshToken(db, person.id, meta, now)),
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_S,
    user: { id: person.id, name: person.name, email: person.email, role: person.role },
  };
}
