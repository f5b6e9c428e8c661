import { apiRoute } from "@/server/http/api";
import { readPhotoFile } from "@/server/photos/read-photo-file";

/** A photo behind a signed, expiring URL (see readPhotoFile for the checks). */
export const GET = apiRoute<{ key: string[] }>("visits.read", async ({ req, ctx, params }) => {
  const url = new URL(req.url);
  const key = (params.key ?? []).join("/");
  const file = await readPhotoFile(ctx, key, url.searchParams.get("exp"), url.searchParams.get("sig"));
  const maxAge = Math.max(0, Math.floor((file.expiresAt - ctx.now.getTime()) / 1000));
  return new Response(new Uint8Array(file.data), {
    status: 200,
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.data.length),
      // The browser may keep it until the link expires, never a shared cache.
      "Cache-Control": `private, max-age=${maxAge}`,
      "Content-Disposition": "inline",
    },
  });
});
