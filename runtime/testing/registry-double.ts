/**
 * A registry test double: an in-process HTTP server on 127.0.0.1 speaking just enough of the distribution API
 * (`/v2/`, manifests and blobs by digest or tag, Range on blobs, HEAD, uploads: monolithic, chunked, mounts; manifest
 * PUT) to serve images a test built and take pushes — and to
 * misbehave on purpose where a real registry will not: wrong bytes for a digest, 5xx answers, connections cut
 * mid-blob, manifests of unknown media types. Tests that need a real registry use registry-peers.ts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { digestOf } from "../store/digest.js";

export interface DoubleImage {
  repo: string;
  tag: string;
  manifest: Buffer;
  mediaType: string;
  blobs: Map<string, Buffer>;
}

export interface Misbehaviour {
  /** answer this many requests (of any kind, /v2/ excluded) with 503 first */
  fail5xx?: number;
  /** the first GET of this blob sends half of it, then cuts the connection */
  cutBlobOnce?: string;
  /** whether Range is honoured (206) */
  range?: boolean;
  /** serve these bytes instead of the blob with this digest */
  replaceBlob?: Map<string, Buffer>;
  /** serve these bytes for the manifest with this tag or digest (headers still name the real one) */
  replaceManifest?: Map<string, Buffer>;
  /** GETs of these blobs wait, unanswered, until `releaseBlobs()` (to see how many a client asks for at once) */
  holdBlobs?: Set<string>;
  /** the first chunk (PATCH) of any upload is read, then its connection cut without an answer */
  cutUploadOnce?: boolean;
  /** POSTs that start an upload wait, unanswered, until `releaseUploads()` (to see how many a client runs at once) */
  holdUploads?: boolean;
}

export interface RegistryDouble {
  host: string;
  /** requests seen, as "METHOD path" (with Range when sent) */
  log: string[];
  misbehave: Misbehaviour;
  add(image: DoubleImage): void;
  /** a blob the double holds (pushed or added) */
  blob(digest: string): Buffer | undefined;
  /** a manifest by `repo:tag` or `repo@digest` */
  manifest(key: string): Buffer | undefined;
  /** GETs of `holdBlobs` waiting now */
  heldBlobs(): number;
  /** answers the held GETs, and holds no more */
  releaseBlobs(): void;
  /** upload POSTs of `holdUploads` waiting now */
  heldUploads(): number;
  /** answers the held upload POSTs, and holds no more */
  releaseUploads(): void;
  close(): Promise<void>;
}

export async function startRegistryDouble(misbehave: Misbehaviour = {}): Promise<RegistryDouble> {
  const manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  const blobs = new Map<string, Buffer>();
  const log: string[] = [];
  const cut = new Set<string>();
  const state: RegistryDouble["misbehave"] = misbehave;
  const held: Array<() => void> = [];
  const heldUploads: Array<() => void> = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://x");
    log.push(`${req.method} ${url.pathname}${req.headers.range ? ` ${req.headers.range}` : ""}`);
    if (url.pathname === "/v2/") return void json(res, 200, {});
    if ((state.fail5xx ?? 0) > 0) {
      state.fail5xx = (state.fail5xx ?? 0) - 1;
      return void json(res, 503, { errors: [{ code: "UNAVAILABLE", message: "service unavailable" }] });
    }
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(url.pathname);
    if (upload) return void handleUpload(req, res, url, upload[1] as string, upload[2] as string);
    if (req.method === "PUT" && /^\/v2\/(.+)\/manifests\/([^/]+)$/.test(url.pathname)) {
      const [, repo, tag] = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname) as unknown as [string, string, string];
      void readBody(req).then((bytes) => {
        const mediaType = (req.headers["content-type"] ?? "").toString();
        const digest = digestOf(bytes);
        manifests.set(`${repo}:${tag}`, { bytes, mediaType });
        manifests.set(`${repo}@${digest}`, { bytes, mediaType });
        res.writeHead(201, { "Docker-Content-Digest": digest, Location: `/v2/${repo}/manifests/${digest}`, "Content-Length": 0 });
        res.end();
      });
      return;
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return void json(res, 404, { errors: [{ code: "NAME_UNKNOWN", message: "repository name not known to registry" }] });
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    if (kind === "manifests") {
      const found = manifests.get(`${repo}:${ref}`) ?? manifests.get(`${repo}@${ref}`);
      if (!found) return void json(res, 404, { errors: [{ code: "MANIFEST_UNKNOWN", message: "manifest unknown" }] });
      const bytes = state.replaceManifest?.get(ref) ?? found.bytes;
      res.writeHead(200, { "Content-Type": found.mediaType, "Content-Length": bytes.length,
        "Docker-Content-Digest": digestOf(found.bytes) });
      return void res.end(req.method === "HEAD" ? undefined : bytes);
    }
    if (req.method === "GET" && state.holdBlobs?.has(ref)) {
      held.push(() => handle(req, res));
      state.holdBlobs.delete(ref);
      return;
    }
    const blob = state.replaceBlob?.get(ref) ?? blobs.get(ref);
    if (!blob) return void json(res, 404, { errors: [{ code: "BLOB_UNKNOWN", message: "blob unknown to registry" }] });
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range && state.range !== false) {
      const start = Number(range[1]);
      res.writeHead(206, { "Content-Length": blob.length - start, "Content-Range": `bytes ${start}-${blob.length - 1}/${blob.length}` });
      return void res.end(blob.subarray(start));
    }
    res.writeHead(200, { "Content-Length": blob.length, "Content-Type": "application/octet-stream", "Docker-Content-Digest": ref });
    if (req.method === "HEAD") return void res.end();
    if (state.cutBlobOnce === ref && !cut.has(ref)) {
      cut.add(ref);
      res.write(blob.subarray(0, blob.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(blob);
  };

  /** uploads in progress: id → bytes so far */
  const uploads = new Map<string, Buffer>();
  let nextUpload = 0;
  const handleUpload = (req: IncomingMessage, res: ServerResponse, url: URL, repo: string, id: string): void => {
    void readBody(req).then((body) => answerUpload(req, res, url, repo, id, body));
  };
  const answerUpload = (req: IncomingMessage, res: ServerResponse, url: URL, repo: string, id: string, body: Buffer): void => {
    if (req.method === "POST" && id === "" && state.holdUploads) {
      heldUploads.push(() => answerUpload(req, res, url, repo, id, body));
      return;
    }
    if (req.method === "PATCH" && state.cutUploadOnce) {
      state.cutUploadOnce = false;
      return void req.socket.destroy();
    }
    if (req.method === "POST" && id === "") {
      const mount = url.searchParams.get("mount");
      if (mount && blobs.has(mount)) {
        res.writeHead(201, { Location: `/v2/${repo}/blobs/${mount}`, "Docker-Content-Digest": mount, "Content-Length": 0 });
        return void res.end();
      }
      const uid = String(nextUpload++);
      uploads.set(uid, Buffer.alloc(0));
      res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${uid}?state=x`, "Range": "0-0", "Content-Length": 0 });
      return void res.end();
    }
    const sofar = uploads.get(id);
    if (sofar === undefined) return void json(res, 404, { errors: [{ code: "BLOB_UPLOAD_UNKNOWN", message: "blob upload unknown to registry" }] });
    const range = /^(\d+)-(\d+)$/.exec((req.headers["content-range"] ?? "").toString());
    if (range && Number(range[1]) !== sofar.length) {
      return void json(res, 416, { errors: [{ code: "BLOB_UPLOAD_INVALID", message: "blob upload invalid" }] });
    }
    const now = Buffer.concat([sofar, body]);
    uploads.set(id, now);
    if (req.method === "PATCH") {
      res.writeHead(202, { Location: `/v2/${repo}/blobs/uploads/${id}?state=y`, Range: `0-${now.length - 1}`, "Content-Length": 0 });
      return void res.end();
    }
    const digest = url.searchParams.get("digest") ?? "";
    if (digestOf(now) !== digest) return void json(res, 400, { errors: [{ code: "DIGEST_INVALID", message: "provided digest did not match uploaded content" }] });
    uploads.delete(id);
    blobs.set(digest, now);
    res.writeHead(201, { Location: `/v2/${repo}/blobs/${digest}`, "Docker-Content-Digest": digest, "Content-Length": 0 });
    res.end();
  };

  const server: Server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    log,
    misbehave: state,
    blob: (digest) => blobs.get(digest),
    manifest: (key) => manifests.get(key)?.bytes,
    heldBlobs: () => held.length,
    heldUploads: () => heldUploads.length,
    releaseUploads() {
      state.holdUploads = false;
      for (const answer of heldUploads.splice(0)) answer();
    },
    releaseBlobs() {
      state.holdBlobs = undefined;
      for (const answer of held.splice(0)) answer();
    },
    add(image) {
      const digest = digestOf(image.manifest);
      manifests.set(`${image.repo}:${image.tag}`, { bytes: image.manifest, mediaType: image.mediaType });
      manifests.set(`${image.repo}@${digest}`, { bytes: image.manifest, mediaType: image.mediaType });
      for (const [d, b] of image.blobs) blobs.set(d, b);
    },
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
