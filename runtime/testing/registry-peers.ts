/**
 * Real registry peers for tests: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 on a free port, with its
 * own config file and storage in a temp directory — open, with htpasswd Basic auth, or with token auth against a
 * token server the test starts (a test double: it signs JWTs the way a real token service does, with a key made by
 * `openssl` here) — and `skopeo` as a second client.
 *
 * Needs: `apt-get install docker-registry skopeo apache2-utils` (htpasswd), and openssl.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createSign, randomBytes, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REGISTRY_BIN = "/usr/bin/docker-registry";
export const SKOPEO_BIN = "/usr/bin/skopeo";
export const HTPASSWD_BIN = "/usr/bin/htpasswd";
export const havePeers = existsSync(REGISTRY_BIN) && existsSync(SKOPEO_BIN) && existsSync(HTPASSWD_BIN);

export interface RealRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  dir: string;
  /** the registry's own log (stderr/stdout) */
  log(): Promise<string>;
  /** how many tokens the token server double issued or refused so far (0 without token auth) */
  tokenRequests(): number;
  stop(): Promise<void>;
}

export type RegistryAuth =
  | { kind: "none" }
  | { kind: "htpasswd"; user: string; password: string }
  | { kind: "token"; user: string; password: string };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startRealRegistry(auth: RegistryAuth = { kind: "none" }): Promise<RealRegistry> {
  const dir = await mkdtemp(join(tmpdir(), "hako-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let authYaml = "";
  let tokenServer: TokenServerDouble | undefined;
  if (auth.kind === "htpasswd") {
    const line = execFileSync(HTPASSWD_BIN, ["-Bbn", auth.user, auth.password]).toString().trim();
    await writeFile(join(dir, "htpasswd"), `${line}\n`);
    authYaml = `auth:\n  htpasswd:\n    realm: hako-test\n    path: ${join(dir, "htpasswd")}\n`;
  } else if (auth.kind === "token") {
    tokenServer = await startTokenServerDouble(dir, auth.user, auth.password);
    authYaml = `auth:\n  token:\n    realm: ${tokenServer.realm}\n    service: ${TOKEN_SERVICE}\n    issuer: ${TOKEN_ISSUER}\n` +
      `    rootcertbundle: ${tokenServer.certFile}\n`;
  }
  const config = `version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: ${join(dir, "storage")}
  delete:
    enabled: true
http:
  addr: ${host}
  secret: ${randomBytes(16).toString("hex")}
${authYaml}`;
  await writeFile(join(dir, "config.yml"), config);
  const logFile = join(dir, "registry.log");
  const { openSync, closeSync } = await import("node:fs");
  const fd = openSync(logFile, "a");
  const child: ChildProcess = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${await readFile(logFile, "utf8")}`);
    const ok = await fetch(`http://${host}/v2/`).then((r) => r.status === 200 || r.status === 401, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer: ${await readFile(logFile, "utf8")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    dir,
    log: () => readFile(logFile, "utf8"),
    tokenRequests: () => tokenServer?.requests() ?? 0,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      await tokenServer?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const TOKEN_SERVICE = "hako-test-registry";
export const TOKEN_ISSUER = "hako-test-token-double";

interface TokenServerDouble {
  realm: string;
  certFile: string;
  requests(): number;
  close(): Promise<void>;
}

/**
 * A token server test double for the registry's token auth: Basic credentials in, an RS256 JWT out whose `access`
 * grants what the scopes ask — everything for the one account, nothing for anonymous callers — signed by a
 * self-signed certificate that the registry trusts (`rootcertbundle`) and that the token carries in `x5c`. Wrong
 * credentials get 401 with a reason, as a real token service answers.
 */
async function startTokenServerDouble(dir: string, user: string, password: string): Promise<TokenServerDouble> {
  const keyFile = join(dir, "token.key");
  const certFile = join(dir, "token.crt");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile, "-days", "2",
    "-subj", `/CN=${TOKEN_ISSUER}`], { stdio: "ignore" });
  const key = await readFile(keyFile, "utf8");
  const certDer = new X509Certificate(await readFile(certFile)).raw.toString("base64");
  const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString("base64url");
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://x");
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
    let account = "";
    if (basic) {
      const [u, p] = Buffer.from(basic[1] as string, "base64").toString().split(/:(.*)/s);
      if (u !== user || p !== password) {
        res.writeHead(401, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ details: "incorrect username or password" }));
        return;
      }
      account = user;
    }
    const access = url.searchParams.getAll("scope").flatMap((s) => {
      const [type, name, actions] = s.split(":");
      return account && type && name ? [{ type, name, actions: (actions ?? "").split(",") }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", x5c: [certDer] };
    const claims = { iss: TOKEN_ISSUER, sub: account, aud: url.searchParams.get("service") ?? TOKEN_SERVICE, exp: now + 300,
      nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access };
    const signing = `${b64(header)}.${b64(claims)}`;
    const signature = createSign("RSA-SHA256").update(signing).sign(key);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ token: `${signing}.${b64(signature)}`, expires_in: 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certFile,
    requests: () => requests,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
