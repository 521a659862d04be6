/**
 * A client for one registry (distribution spec v2, `/v2/…`), on behalf of one user (their credentials) for one
 * operation (its scopes, e.g. `repository:team/bb:pull,push`).
 *
 * Every request goes through {@link RegistryClient.request}: it finds the endpoint (HTTPS; plain HTTP only for
 * insecure registries, see settings.ts), answers a 401 challenge once (Bearer: a token for the scopes from the
 * realm, cached; Basic: the credentials), and retries with exponential back-off on 5xx answers and broken
 * connections. Requests with a streamed body are not retried here; their callers restart the whole upload.
 */
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { Logger } from "../../engine.js";
import { digestOf } from "../../store/digest.js";
import { basicAuthorization, parseChallenges, type Challenge, type Credentials } from "./credentials.js";
import { RegistryError, kindOfStatus, registryReason } from "./registry-error.js";
import { DOCKER_HUB, DOCKER_HUB_API, type Registries } from "./settings.js";
import { TokenCache } from "./token-cache.js";
import { drain, isPlainHttpAnswer, isRetryable, readAll, send, sleep } from "./transport.js";

export const USER_AGENT = "hakod/0.1 (+docker-api)";

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer | (() => Readable);
  /** follow 30x (blob downloads may be redirected to storage) */
  followRedirects?: boolean;
}

export class RegistryClient {
  private authorization: string | undefined;
  private base: string | undefined;

  constructor(
    private readonly registries: Registries,
    /** the registry host as written in the reference (`docker.io`, `127.0.0.1:5000`) */
    readonly host: string,
    private readonly credentials: Credentials,
    /** scopes requested with a bearer token, e.g. ["repository:library/busybox:pull"] */
    private readonly scopes: string[],
    private readonly log?: Logger,
  ) {}

  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000` … */
  async endpoint(): Promise<string> {
    if (this.base) return this.base;
    const known = this.registries.endpoints.get(this.host);
    if (known) return (this.base = known);
    let base: string;
    if (this.host === DOCKER_HUB) base = `https://${DOCKER_HUB_API}`;
    else if (!this.registries.isInsecure(this.host)) base = `https://${this.host}`;
    else base = (await this.answersHttps()) ? `https://${this.host}` : `http://${this.host}`;
    this.registries.endpoints.set(this.host, base);
    return (this.base = base);
  }

  /** An insecure registry is still asked over HTTPS first (certificate unchecked), as Docker does. */
  private async answersHttps(): Promise<boolean> {
    try {
      const res = await send({ method: "GET", url: new URL(`https://${this.host}/v2/`), insecureTls: true, timeoutMs: 5000 });
      await drain(res);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends a request (path below the endpoint, or an absolute URL the registry gave, e.g. an upload location) with
   * auth and retries. The caller reads or drains the answer.
   */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const { attempts, retryDelayMs } = this.registries.options;
    const replayable = typeof opts.body !== "function";
    let authTried = false;
    let url = new URL(path, await this.endpoint());
    let redirects = 0;
    for (let attempt = 1; ; attempt++) {
      const sameHost = url.host === new URL(await this.endpoint()).host;
      const headers: Record<string, string> = { "User-Agent": USER_AGENT, ...opts.headers };
      if (this.authorization && sameHost) headers.Authorization = this.authorization;
      let res: IncomingMessage;
      try {
        res = await send({
          method, url, headers,
          body: typeof opts.body === "function" ? opts.body() : opts.body,
          insecureTls: this.registries.isInsecure(this.host),
        });
      } catch (err) {
        if (url.protocol === "https:" && isPlainHttpAnswer(err) && !this.registries.isInsecure(this.host)) {
          throw new RegistryError("InvalidArgument", `Get "${url.origin}/v2/": http: server gave HTTP response to HTTPS client; ` +
            `hakod uses plain HTTP only for registries on loopback (127.0.0.0/8, ::1, localhost) and those named with ` +
            `--insecure-registry (${this.host} is neither)`, 0);
        }
        if (replayable && isRetryable(err) && attempt < attempts) {
          this.log?.debug("registry request failed; retrying", { method, url: url.href, attempt, error: (err as Error).message });
          await sleep(retryDelayMs * 2 ** (attempt - 1));
          continue;
        }
        throw new RegistryError("Internal", `${goMethod(method)} "${url.href}": ${networkReason(err, url)}`, 0);
      }
      const status = res.statusCode ?? 0;
      if (status === 401 && !authTried && sameHost) {
        authTried = true;
        const body = await drain(res);
        if (await this.authenticate(parseChallenges(res.headers["www-authenticate"]))) {
          attempt--;
          if (replayable) continue;
        }
        // the stream body is spent: let the caller restart with auth now known
        if (!replayable && this.authorization) throw new RetryWithAuth();
        throw this.errorOf(status, res.statusMessage ?? "", body, `${method} ${url.pathname}`);
      }
      if (opts.followRedirects && [301, 302, 303, 307, 308].includes(status) && res.headers.location && redirects < 5) {
        await drain(res);
        url = new URL(res.headers.location, url);
        redirects++;
        attempt--;
        continue;
      }
      if (status >= 500 && replayable && attempt < attempts) {
        const body = await drain(res);
        this.log?.debug("registry answered with a server error; retrying", { method, url: url.href, status, body: body.slice(0, 200), attempt });
        await sleep(retryDelayMs * 2 ** (attempt - 1));
        continue;
      }
      return res;
    }
  }

  /** Reads an error answer into a RegistryError that keeps the registry's words. */
  async failure(res: IncomingMessage, what: string): Promise<RegistryError> {
    return this.errorOf(res.statusCode ?? 0, res.statusMessage ?? "", await drain(res), what);
  }

  errorOf(status: number, statusText: string, body: string, what: string): RegistryError {
    const { reason, code } = registryReason(status, statusText, body);
    const kind = code === "MANIFEST_UNKNOWN" || code === "NAME_UNKNOWN" || code === "BLOB_UNKNOWN" ? "NotFound" : kindOfStatus(status);
    // a 401 without a body (HEAD) says no more than that
    const message = status === 401 && !code ? "unauthorized: authentication required" : code ? reason : `${what}: ${reason}`;
    return new RegistryError(kind, message, status, code ?? (status === 401 ? "UNAUTHORIZED" : undefined));
  }

  /** Answers a challenge; false when there is nothing to answer it with. */
  private async authenticate(challenges: Challenge[]): Promise<boolean> {
    const bearer = challenges.find((c) => c.scheme === "bearer");
    if (bearer?.params.realm) {
      this.authorization = `Bearer ${await this.token(bearer)}`;
      return true;
    }
    const basic = challenges.find((c) => c.scheme === "basic");
    const header = basicAuthorization(this.credentials);
    if (basic && header) {
      this.authorization = header;
      return true;
    }
    return false;
  }

  /** A bearer token for this client's scopes (plus the challenge's), from the cache or the token server. */
  private async token(challenge: Challenge): Promise<string> {
    const c = this.credentials;
    if (c.registryToken) return c.registryToken;
    const realm = challenge.params.realm as string;
    const service = challenge.params.service ?? "";
    const scopes = [...new Set([...this.scopes, ...(challenge.params.scope ? challenge.params.scope.split(" ") : [])])];
    const key = TokenCache.key(realm, service, scopes, c.username ?? c.identityToken ?? "");
    const cached = this.registries.tokens.get(key);
    if (cached) return cached;
    const url = new URL(realm);
    if (service) url.searchParams.set("service", service);
    for (const s of scopes) url.searchParams.append("scope", s);
    let res: IncomingMessage;
    try {
      if (c.identityToken) {
        const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: c.identityToken, client_id: "hakod", service });
        for (const s of scopes) form.append("scope", s);
        res = await send({ method: "POST", url: new URL(realm), body: Buffer.from(form.toString()),
          headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT } });
      } else {
        const auth = basicAuthorization(c);
        res = await send({ method: "GET", url, headers: { "User-Agent": USER_AGENT, ...(auth ? { Authorization: auth } : {}) },
          insecureTls: this.registries.isInsecure(url.host) });
      }
    } catch (err) {
      throw new RegistryError("Internal", `Get "${url.href}": ${(err as Error).message}`, 0);
    }
    const body = (await readAll(res).catch(() => Buffer.alloc(0))).toString("utf8");
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const { reason, code } = registryReason(status, res.statusMessage ?? "", body);
      throw new RegistryError(status === 401 || status === 403 ? "NotFound" : "Internal",
        `Get "${url.origin}${url.pathname}": unauthorized: ${reason}`, status === 403 ? 401 : status, code ?? "UNAUTHORIZED");
    }
    let parsed: { token?: string; access_token?: string; expires_in?: number };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      throw new RegistryError("Internal", `token server ${url.origin}: answer is not JSON`, status);
    }
    const token = parsed.token ?? parsed.access_token;
    if (!token) throw new RegistryError("Internal", `token server ${url.origin}: answer has no token`, status);
    this.registries.tokens.set(key, token, Number(parsed.expires_in));
    return token;
  }

  // ---- the registry API ----

  /** `GET /v2/`: whether the credentials are good (docker login). Throws the registry's reason when not. */
  async checkLogin(): Promise<void> {
    const res = await this.request("GET", "/v2/");
    const status = res.statusCode ?? 0;
    if (status === 200) {
      await drain(res);
      return;
    }
    const base = await this.endpoint();
    const body = await drain(res);
    const { reason, code } = registryReason(status, res.statusMessage ?? "", body);
    throw new RegistryError(status === 401 ? "NotFound" : kindOfStatus(status),
      `login attempt to ${base}/v2/ failed with status: ${status} ${res.statusMessage ?? ""}${reason ? ` (${reason})` : ""}`,
      status, code);
  }

  /**
   * A manifest or index by tag or digest, verified: by digest its bytes must hash to it; by tag they must match the
   * Docker-Content-Digest the registry sends, when it sends one.
   */
  async getManifest(repo: string, reference: string, accept: string[]): Promise<{ bytes: Buffer; mediaType: string; digest: string }> {
    const res = await this.request("GET", `/v2/${repo}/manifests/${reference}`, { headers: { Accept: accept.join(", ") } });
    if (res.statusCode !== 200) throw await this.failure(res, `manifest ${reference}`);
    const bytes = await readAll(res, 4 << 20);
    const digest = digestOf(bytes);
    const expected = reference.startsWith("sha256:") ? reference : (res.headers["docker-content-digest"] as string | undefined);
    if (expected && expected !== digest) {
      throw new RegistryError("DataCorruption", `digest mismatch for manifest ${expected}: the registry sent content that hashes to ${digest}`, 200);
    }
    let mediaType = (res.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
    try {
      const inner = (JSON.parse(bytes.toString("utf8")) as { mediaType?: string }).mediaType;
      if (inner) mediaType = inner;
    } catch {
      throw new RegistryError("DataCorruption", `manifest ${reference} is not valid JSON`, 200);
    }
    return { bytes, mediaType, digest };
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    const res = await this.request("HEAD", `/v2/${repo}/blobs/${digest}`);
    await drain(res);
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404) return false;
    throw this.errorOf(res.statusCode ?? 0, res.statusMessage ?? "", "", `blob ${digest}`);
  }

  /** `GET` a blob from `offset` (a Range request when > 0): 200 (whole) or 206 (the rest). */
  async getBlob(repo: string, digest: string, offset: number): Promise<IncomingMessage> {
    const res = await this.request("GET", `/v2/${repo}/blobs/${digest}`, {
      followRedirects: true,
      headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
    });
    if (res.statusCode === 200 || res.statusCode === 206) return res;
    throw await this.failure(res, `blob ${digest}`);
  }

  /**
   * Starts an upload, asking to mount `digest` from `from` (same registry) when given. Returns "mounted" when the
   * registry linked the blob, otherwise the upload location.
   */
  async startUpload(repo: string, mount?: { digest: string; from: string }): Promise<"mounted" | string> {
    const q = mount ? `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}` : "";
    const res = await this.request("POST", `/v2/${repo}/blobs/uploads/${q}`);
    if (res.statusCode === 201 && mount) {
      await drain(res);
      return "mounted";
    }
    if (res.statusCode !== 202 || !res.headers.location) throw await this.failure(res, `upload to ${repo}`);
    await drain(res);
    return new URL(res.headers.location, await this.endpoint()).href;
  }

  /** One PUT with the whole blob. */
  async putBlob(location: string, digest: string, size: number, body: () => Readable): Promise<void> {
    const res = await this.request("PUT", withDigest(location, digest), {
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) },
      body,
    });
    if (res.statusCode !== 201) throw await this.failure(res, `upload of ${digest}`);
    await drain(res);
  }

  /** One PATCH of bytes [start, start+length); returns the next location. */
  async patchChunk(location: string, start: number, length: number, body: () => Readable): Promise<string> {
    const res = await this.request("PATCH", location, {
      headers: {
        "Content-Type": "application/octet-stream",
        "Content-Length": String(length),
        "Content-Range": `${start}-${start + length - 1}`,
      },
      body,
    });
    if (res.statusCode !== 202 || !res.headers.location) throw await this.failure(res, `upload chunk at ${start}`);
    await drain(res);
    return new URL(res.headers.location, await this.endpoint()).href;
  }

  /** Closes a chunked upload: PUT ?digest= with no body. */
  async finishUpload(location: string, digest: string): Promise<void> {
    const res = await this.request("PUT", withDigest(location, digest), { body: Buffer.alloc(0) });
    if (res.statusCode !== 201) throw await this.failure(res, `upload of ${digest}`);
    await drain(res);
  }

  /** PUT a manifest under a tag; returns the digest the registry computed. */
  async putManifest(repo: string, tag: string, bytes: Buffer, mediaType: string): Promise<string | undefined> {
    const res = await this.request("PUT", `/v2/${repo}/manifests/${tag}`, { headers: { "Content-Type": mediaType }, body: bytes });
    if (res.statusCode !== 201) throw await this.failure(res, `manifest ${tag}`);
    await drain(res);
    return res.headers["docker-content-digest"] as string | undefined;
  }
}

/** Thrown when a streamed request met a challenge: auth is now set up, the caller sends the body again. */
export class RetryWithAuth extends Error {
  constructor() {
    super("authentication needed; retry");
  }
}

function withDigest(location: string, digest: string): string {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  return url.href;
}

/** `Get`, as Go's net/http (and so Docker) names a request in its errors. */
function goMethod(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}

/** A socket error in the words Docker's (Go's) dialer uses. */
function networkReason(err: unknown, url: URL): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `dial tcp: lookup ${url.hostname}: no such host`;
  if (code === "ECONNREFUSED") return `dial tcp ${url.host}: connect: connection refused`;
  return (err as Error).message;
}
