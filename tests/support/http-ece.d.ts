// http_ece ships no types; the test push service uses only decrypt.
declare module "http_ece" {
  export function decrypt(buffer: Buffer, params: { version: "aes128gcm"; privateKey: import("node:crypto").ECDH; authSecret: string }): Buffer;
}
