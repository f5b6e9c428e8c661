import "server-only";
import { AppError } from "../errors";

export const payloadTooLarge = (maxBytes: number) =>
  new AppError("PAYLOAD_TOO_LARGE", `The body exceeds ${maxBytes} bytes.`, { details: { max_bytes: maxBytes } });

/**
 * Reads a request body into one Buffer, refusing it (413) as soon as more than `maxBytes` have streamed in:
 * a declared Content-Length over the limit is refused before a byte is read (one within it is the body's exact
 * size), and a chunked body (no length) is cut off at the limit, so a hostile client can never make the server hold
 * more than `maxBytes` of it.
 * The stream is cancelled on refusal so the rest of the upload is not buffered anywhere either.
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) > maxBytes) throw payloadTooLarge(maxBytes);
    // A declared length bounds the body already (the HTTP parser delivers no more than it), so it is read in one call:
    // on the production door that is a read from the socket, with no web stream or full Request built around it
    // (docs/decisions/0013, "What the profile showed next").
    const bytes = Buffer.from(await req.arrayBuffer());
    if (bytes.length > maxBytes) throw payloadTooLarge(maxBytes); // a Request built in-process may claim any length
    return bytes;
  }
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
