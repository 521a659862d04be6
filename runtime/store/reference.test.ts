import { describe, expect, it } from "vitest";
import { familiarString, formatReference, parseReference } from "./reference.js";

const D = "sha256:0958e0fef2d6a31e1325b8bfecd99dead933363682d69850a7606599023751bc";

describe("image references", () => {
  it.each([
    ["busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["busybox:1.38.0-glibc", "docker.io/library/busybox:1.38.0-glibc", "busybox:1.38.0-glibc"],
    ["library/busybox:1", "docker.io/library/busybox:1", "busybox:1"],
    ["docker.io/library/busybox:1", "docker.io/library/busybox:1", "busybox:1"],
    ["index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["team/app:v2", "docker.io/team/app:v2", "team/app:v2"],
    ["127.0.0.1:5000/team/bb:v1", "127.0.0.1:5000/team/bb:v1", "127.0.0.1:5000/team/bb:v1"],
    ["localhost/bb", "localhost/bb:latest", "localhost/bb:latest"],
    ["localhost:5000/a/b/c:Tag_1.x", "localhost:5000/a/b/c:Tag_1.x", "localhost:5000/a/b/c:Tag_1.x"],
    ["registry.example.com/library/busybox:1", "registry.example.com/library/busybox:1", "registry.example.com/library/busybox:1"],
    ["docker.io/library/sub/path:1", "docker.io/library/sub/path:1", "library/sub/path:1"],
    ["my-app__x.y---z", "docker.io/library/my-app__x.y---z:latest", "my-app__x.y---z:latest"],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`, `busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`, `busybox:1@${D}`],
    ["[::1]:5000/bb:v1", "[::1]:5000/bb:v1", "[::1]:5000/bb:v1"],
  ])("%s normalises to %s and shows as %s", (input, normalised, familiar) => {
    const ref = parseReference(input);
    expect(formatReference(ref)).toBe(normalised);
    expect(familiarString(ref)).toBe(familiar);
  });

  it.each([
    ["Busybox", /must be lowercase/],
    ["team/App", /must be lowercase/],
    ["busybox:", /invalid reference format/],
    [":tag", /invalid reference format/],
    ["busy box", /invalid reference format/],
    ["busybox:tag with space", /invalid reference format/],
    ["-busybox", /invalid reference format/],
    ["busybox-", /invalid reference format/],
    ["a//b", /invalid reference format/],
    ["busybox@sha256:abc", /invalid reference format/],
    ["busybox@md5:" + "0".repeat(32), /invalid reference format/],
    ["busybox:" + "t".repeat(129), /invalid reference format/],
    ["a/" + "b".repeat(255), /invalid reference format/],
    ["", /invalid reference format/],
    ["0958e0fef2d6a31e1325b8bfecd99dead933363682d69850a7606599023751bc", /64-byte hexadecimal/],
    ["busybox$", /invalid reference format/],
    ["../etc/passwd", /invalid reference format/],
  ])("refuses %j", (input, message) => {
    expect(() => parseReference(input)).toThrow(message);
    expect(() => parseReference(input)).toThrow(expect.objectContaining({ kind: "InvalidArgument" }));
  });
});
