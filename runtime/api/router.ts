/**
 * Routing of the Docker Engine API: an optional version prefix (`/v1.24` … `/v1.41`), then the route table. Image
 * names in paths are routed greedily (`/images/127.0.0.1:5000/team/bb:v1/json`), as the CLI sends them unescaped.
 */
import { invalidArgument } from "../errors.js";
import type { Handler } from "./http.js";
import type { UpgradeHandler } from "./hijack.js";

export const API_VERSION = "1.41";
export const MIN_API_VERSION = "1.24";

export interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** for hijacking endpoints: how to serve a request that asks to upgrade the connection */
  upgrade?: UpgradeHandler;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * Splits `/v1.41/containers/json` into version and path. Versions outside the supported range are refused the way
 * dockerd refuses them (400); an unversioned path means the newest version.
 */
export function splitVersion(pathname: string): { version: string; path: string } {
  const m = /^\/v([0-9]+(?:\.[0-9]+)*)(\/.*)?$/.exec(pathname);
  if (!m) return { version: API_VERSION, path: pathname };
  const version = m[1] as string;
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw invalidArgument(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, ` +
      "please upgrade your client to a newer version");
  }
  if (compareVersions(version, API_VERSION) > 0) {
    throw invalidArgument(`client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
  return { version, path: m[2] ?? "/" };
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: string[] }
  | { kind: "method-not-allowed" }
  | { kind: "not-found" };

export function matchRoute(routes: Route[], method: string, path: string): RouteMatch {
  let pathMatched = false;
  // HEAD is served by the GET route (only /_ping declares HEAD itself)
  const wanted = method === "HEAD" ? ["HEAD", "GET"] : [method];
  for (const m of wanted) {
    for (const route of routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== m) continue;
      return { kind: "found", route, params: found.slice(1).map((p) => decodePathPart(p ?? "")) };
    }
  }
  return pathMatched ? { kind: "method-not-allowed" } : { kind: "not-found" };
}

function decodePathPart(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    throw invalidArgument(`malformed escape in path: ${p}`);
  }
}
