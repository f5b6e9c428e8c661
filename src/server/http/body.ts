import "server-only";
import { AppError } from "../errors";

export const payloadTooLarge = (maxBytes: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `The body exceeds ${maxBytes} bytes.`, { details: { max_bytes: maxBytes } });

/**
 * Reads a request body into one Buffer, refusing it (413) as soon as more than `maxBytes` have streamed in:
 * a declared Content-Length over the limit is refused before a byte is read, and a chunked body (no length)
 * is cut off at the limit, so a hostile client can never make the server hold more than `maxBytes` of it.
 * The stream is cancelled on refusal so the rest of the upload is not buffered anywhere either.
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw payloadTooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, total);
}
