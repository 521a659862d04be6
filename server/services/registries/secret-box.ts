/**
 * Secrets at rest (registry passwords and tokens): AES-256-GCM under a key that lives outside the database, in
 * `secrets.key` in the console's data directory (32 random bytes, created 0600 on first use). A copy of the database
 * alone — a backup, a PostgreSQL dump — does not reveal them; losing the key file makes them unreadable (re-enter them).
 *
 * Sealed form: `v1:<iv>:<tag>:<ciphertext>`, each part base64; `aad` binds a secret to its row (the registry address)
 * so a sealed value copied onto another row does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, openSync, readFileSync, writeSync, closeSync } from "node:fs";
import path from "node:path";
import { consoleDataDir } from "../../db";
import { ServiceError } from "../errors";

export const KEY_FILE = "secrets.key";
const KEY_BYTES = 32;

/** Reads the key, creating it (exclusively, 0600) when it does not exist yet. */
export function loadSecretKey(dir: string = consoleDataDir()): Buffer {
  const file = path.join(dir, KEY_FILE);
  try {
    const fd = openSync(file, "wx", 0o600);
    try {
      writeSync(fd, randomBytes(KEY_BYTES).toString("base64") + "\n");
    } finally {
      closeSync(fd);
    }
    chmodSync(file, 0o600); // the umask cannot widen it, but an odd one could narrow it past our own reading
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  if (key.length !== KEY_BYTES) throw new ServiceError("Unavailable", `${file} is not a ${KEY_BYTES}-byte key; restore it from a backup or remove it and re-enter stored credentials.`);
  return key;
}

export function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data].map((p) => (typeof p === "string" ? p : p.toString("base64"))).join(":");
}

export function open(key: Buffer, sealed: string, aad: string): string {
  const [version, iv, tag, data] = sealed.split(":");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new ServiceError("Unavailable", "A stored secret is in an unknown format; re-enter it.");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  } catch (err) {
    throw new ServiceError("Unavailable", "A stored secret cannot be decrypted: the console's secrets.key is not the one it was sealed with. Re-enter the credentials.", { cause: err });
  }
}
