import type { Db } from "../db/client";
import type { PersonnelRole } from "../db/schema";

/** How the actor proved who they are. The same scope rules apply to every kind. */
export type CredentialKind = "session" | "access_token" | "api_key";

/** Who is acting. Every use-case receives one; nothing in the domain reads a Request. */
export type Actor = {
  id: number;
  role: PersonnelRole;
  name: string;
  email: string;
  via: CredentialKind;
  /** API keys may be read-only: then only `*.read` permissions hold. */
  readOnly: boolean;
  apiKeyId?: number;
};

/** The use-case context: `fn(ctx, input)`. `db` may be a transaction; `now` is injected for tests. */
export type Ctx = { db: Db; actor: Actor; now: Date };
