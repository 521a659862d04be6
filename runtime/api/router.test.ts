import { describe, expect, it } from "vitest";
import { isKind } from "../errors.js";
import { matchRoute, splitVersion, type Route } from "./router.js";
import { routes } from "./routes.js";

describe("API version prefixes", () => {
  it("serves unversioned paths as the newest version", () => {
    expect(splitVersion("/containers/json")).toEqual({ version: "1.41", path: "/containers/json" });
  });

  it.each(["1.24", "1.30", "1.40", "1.41"])("serves /v%s", (v) => {
    expect(splitVersion(`/v${v}/_ping`)).toEqual({ version: v, path: "/_ping" });
  });

  it("refuses versions that are too old or too new, in dockerd's words", () => {
    expect(() => splitVersion("/v1.12/info")).toThrow(
      "client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version");
    expect(() => splitVersion("/v1.45/info")).toThrow("client version 1.45 is too new. Maximum supported API version is 1.41");
    let err: unknown;
    try {
      splitVersion("/v2/info");
    } catch (e) {
      err = e;
    }
    expect(isKind(err, "InvalidArgument")).toBe(true);
  });

  it("leaves paths that only look like versions alone", () => {
    expect(splitVersion("/vx/info").path).toBe("/vx/info");
  });
});

describe("routing", () => {
  const find = (method: string, path: string) => {
    const m = matchRoute(routes, method, path);
    return m.kind === "found" ? { handler: m.route.handler.name, params: m.params } : m.kind;
  };

  it("routes image names greedily, registry hosts and paths included", () => {
    expect(find("GET", "/images/127.0.0.1:5000/team/bb:v1/json")).toEqual({
      handler: "inspectImage", params: ["127.0.0.1:5000/team/bb:v1"],
    });
    expect(find("DELETE", "/images/busybox:1.38.0-glibc")).toEqual({ handler: "removeImage", params: ["busybox:1.38.0-glibc"] });
    expect(find("GET", "/images/json")).toEqual({ handler: "listImages", params: [] });
  });

  it("decodes escaped names", () => {
    expect(find("GET", "/images/busybox%3Alatest/json")).toEqual({ handler: "inspectImage", params: ["busybox:latest"] });
  });

  it("routes container verbs by ID or name", () => {
    expect(find("POST", "/containers/bar-exit/wait")).toEqual({ handler: "waitContainer", params: ["bar-exit"] });
    expect(find("DELETE", "/containers/abc")).toEqual({ handler: "removeContainer", params: ["abc"] });
  });

  it("serves HEAD from GET routes and tells unknown paths from wrong methods", () => {
    expect(find("HEAD", "/_ping")).toEqual({ handler: "ping", params: [] });
    expect(find("HEAD", "/version")).toEqual({ handler: "version", params: [] });
    expect(find("GET", "/nothing/here")).toBe("not-found");
    expect(find("PUT", "/containers/json")).toBe("method-not-allowed");
  });

  it("refuses malformed escapes as bad requests", () => {
    const r: Route[] = [{ method: "GET", pattern: /^\/x\/(.+)$/, handler: () => undefined }];
    expect(() => matchRoute(r, "GET", "/x/%zz")).toThrow(/malformed escape/);
  });
});
