/** Where each role starts after signing in (shared by the proxy, the login form and the 403 page). */
export const LANDING = { rep: "/rep", manager: "/manager", admin: "/admin" } as const;
export type LandingRole = keyof typeof LANDING;

export const landingFor = (role: string | null | undefined): string => (role && role in LANDING ? LANDING[role as LandingRole] : "/login");

/** A same-origin path to go back to after sign-in, or null (never another site: "//evil.example" is refused). */
export function safeCallbackPath(raw: string | null | undefined): string | null {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return null;
  if (raw.startsWith("/login") || raw.startsWith("/api/")) return null;
  return raw;
}
