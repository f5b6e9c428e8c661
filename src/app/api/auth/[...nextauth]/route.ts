import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { getAuthOptions } from "@/server/auth/next-auth";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ nextauth: string[] }> };

// Options are built per request (not at import) so `next build` never needs the production secret.
async function handler(req: NextRequest, ctx: Ctx): Promise<Response> {
  return (await NextAuth(req, ctx, getAuthOptions())) as Response;
}

export { handler as GET, handler as POST };
