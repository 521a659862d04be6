import { describe, expect, it } from "vitest";
import type { ContainerConfig } from "./container.js";
import { containerEnv, hostsFile, resolvConf } from "./env.js";

const config = (over: Partial<ContainerConfig>): ContainerConfig => ({
  Hostname: "abc", Domainname: "", User: "", AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false,
  OpenStdin: false, StdinOnce: false, Env: [], Cmd: null, Image: "i", WorkingDir: "", Entrypoint: null, Labels: {},
  ...over,
});

describe("a container's environment", () => {
  it("has PATH, HOSTNAME and HOME by default, TERM with a tty", () => {
    expect(containerEnv(config({}), "/root")).toEqual([
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=abc", "HOME=/root",
    ]);
    expect(containerEnv(config({ Tty: true }), "/")).toContain("TERM=xterm");
  });

  it("lets the container's Env override the defaults", () => {
    const env = containerEnv(config({ Env: ["PATH=/bin", "HOME=/h", "X=1"] }), "/root");
    expect(env).toEqual(["PATH=/bin", "HOSTNAME=abc", "HOME=/h", "X=1"]);
  });
});

describe("files for /etc", () => {
  it("/etc/hosts names localhost and the container's hostname", () => {
    expect(hostsFile("abc")).toMatch(/^127\.0\.0\.1\tlocalhost\n/);
    expect(hostsFile("abc")).toContain("127.0.1.1\tabc\n");
  });

  it("/etc/resolv.conf drops loopback nameservers and falls back to public ones", () => {
    expect(resolvConf("search lan\nnameserver 10.0.0.1\n")).toBe("search lan\nnameserver 10.0.0.1\n");
    expect(resolvConf("nameserver 127.0.0.53\noptions edns0\n")).toBe(
      "options edns0\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
    expect(resolvConf("")).toBe("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });
});
