// Request identity: an Ed25519 key pair in the state dir. Restate signs with the private key; the worker verifies
// with the public key in Restate's "publickeyv1_<base58>" form and answers 401 to anything unsigned.
import { generateKeyPairSync, createPrivateKey, createPublicKey } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

export function base58(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let n = 0n;
  for (const b of bytes) n = n * 256n + BigInt(b);
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  return "1".repeat(zeros) + out;
}

/** The raw 32-byte public key of an Ed25519 private key PEM, in Restate's key-id form. */
export function publicKeyId(privatePem: string): string {
  const pub = createPublicKey(createPrivateKey(privatePem));
  const jwk = pub.export({ format: "jwk" });
  if (!jwk.x) throw new Error("not an Ed25519 key");
  return `publickeyv1_${base58(Buffer.from(jwk.x, "base64url"))}`;
}

/** Create the key pair on first start (mode 0600); return the public key id. */
export function ensureIdentityKey(privateKeyPath: string): string {
  if (!existsSync(privateKeyPath)) {
    mkdirSync(path.dirname(privateKeyPath), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ed25519");
    writeFileSync(privateKeyPath, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
  }
  chmodSync(privateKeyPath, 0o600);
  return publicKeyId(readFileSync(privateKeyPath, "utf8"));
}
