import { describe, expect, it } from "vitest";
import { DEFAULT_CAPABILITIES } from "../oci/spec.js";
import { initialState, type ContainerRecord } from "./container.js";
import { parseExecConfig } from "./exec.js";
import { execProcess, type OciProcess } from "./exec-process.js";

const container = {
  id: "c".repeat(64),
  config: { Hostname: "box", Env: ["PATH=/usr/bin:/bin", "GREETING=hi"], WorkingDir: "/srv", Tty: false, User: "" },
  state: initialState(),
} as unknown as ContainerRecord;

const base: OciProcess = {
  terminal: false,
  user: { uid: 0, gid: 0, additionalGids: [0, 10] },
  args: ["sleep", "100"],
  env: [],
  cwd: "/srv",
  capabilities: { bounding: DEFAULT_CAPABILITIES, effective: DEFAULT_CAPABILITIES, permitted: DEFAULT_CAPABILITIES },
  rlimits: [{ type: "RLIMIT_NOFILE", soft: 1024, hard: 1024 }],
  noNewPrivileges: true,
  oomScoreAdj: 0,
};
const ENGINE_CAPS = [...DEFAULT_CAPABILITIES, "CAP_SYS_ADMIN"];
const root = { uid: 0, gid: 0, additionalGids: [0, 10], home: "/root" };

describe("an exec's OCI process", () => {
  it("is the container's process with the exec's command, env and the container's working dir", () => {
    const p = execProcess({ container, containerProcess: base, config: parseExecConfig({ Cmd: ["env"], Env: ["A=1", "GREETING=bye"] }),
      user: root, engineCapabilities: ENGINE_CAPS });
    expect(p.args).toEqual(["env"]);
    expect(p.env).toEqual(["PATH=/usr/bin:/bin", "HOSTNAME=box", "GREETING=bye", "HOME=/root", "A=1"]);
    expect(p.cwd).toBe("/srv");
    expect(p.user).toEqual(base.user);
    expect(p.capabilities.effective).toEqual(DEFAULT_CAPABILITIES);
    expect(p.rlimits).toEqual(base.rlimits);
    expect(p.noNewPrivileges).toBe(true);
    expect(p.terminal).toBe(false);
  });

  it("gives a tty TERM, the -u user with its HOME and no effective capabilities, and -w", () => {
    const p = execProcess({ container, containerProcess: base,
      config: parseExecConfig({ Cmd: ["sh"], Tty: true, User: "1000:1000", WorkingDir: "/tmp" }),
      user: { uid: 1000, gid: 1000, additionalGids: [1000], home: "/home/u" }, engineCapabilities: ENGINE_CAPS });
    expect(p.terminal).toBe(true);
    expect(p.env).toContain("TERM=xterm");
    expect(p.env).toContain("HOME=/home/u");
    expect(p.user).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000] });
    expect(p.capabilities).toEqual({ bounding: DEFAULT_CAPABILITIES, effective: [], permitted: [] });
    expect(p.cwd).toBe("/tmp");
  });

  it("grants every capability the engine holds with --privileged", () => {
    const p = execProcess({ container, containerProcess: base, config: parseExecConfig({ Cmd: ["id"], Privileged: true }),
      user: root, engineCapabilities: ENGINE_CAPS });
    expect(p.capabilities.effective).toEqual(ENGINE_CAPS);
  });

  it("refuses a request without a command or with a malformed field", () => {
    expect(() => parseExecConfig({})).toThrow("No exec command specified");
    expect(() => parseExecConfig({ Cmd: [] })).toThrow("No exec command specified");
    expect(() => parseExecConfig({ Cmd: ["true"], Env: [""] })).toThrow("invalid environment variable");
    expect(() => parseExecConfig({ Cmd: [1] })).toThrow("Cmd must be a list of strings");
    expect(() => parseExecConfig({ Cmd: ["true"], User: 5 })).toThrow("User must be a string");
  });
});
