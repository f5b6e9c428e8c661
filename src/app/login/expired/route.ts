import { NextResponse } from "next/server";
import { SESSION_COOKIE } from "@/server/auth/session-cookie";

export const dynamic = "force-dynamic";

/** A session cookie that no longer works (deactivated, revoked, expired): drop it, then sign in again. */
export function GET(req: Request) {
  const res = NextResponse.redirect(new URL("/login?expired=1", req.url));
  const names = (req.headers.get("cookie") ?? "")
    .split(";")
    .map((c) => c.split("=")[0]?.trim() ?? "")
    .filter((n) => n === SESSION_COOKIE || n.startsWith(SESSION_COOKIE + "."));
  for (const name of names) res.cookies.set(name, "", { maxAge: 0, path: "/", httpOnly: true, sameSite: "lax", secure: SESSION_COOKIE.startsWith("__Secure-") });
  return res;
}
