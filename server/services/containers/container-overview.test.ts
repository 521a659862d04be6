import type { ContainerInspectInfo } from "dockerode";
import { describe, expect, it } from "vitest";
import { containerOverview, redactedInspect } from "./container-overview";

const inspect = {
  Id: "abc123",
  Name: "/web-1",
  Created: "2026-01-02T03:04:05Z",
  Path: "sh",
  Args: ["-c", "echo hi"],
  State: { Status: "exited", Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 137, Error: "", StartedAt: "2026-01-02T03:04:06Z", FinishedAt: "2026-01-02T03:05:00Z" },
  Image: "sha256:0123456789abcdef",
  RestartCount: 2,
  Mounts: [{ Type: "bind", Source: "/srv", Destination: "/data", Mode: "ro", RW: false, Propagation: "" }],
  Config: { Image: "busybox", Env: ["PATH=/bin", "SECRET=hunter2", "EMPTY="], Labels: { team: "web" }, Tty: false, User: "", WorkingDir: "" },
  HostConfig: { RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 }, Memory: 67108864, NanoCpus: 500000000, PidsLimit: 0, Init: true, CapAdd: ["NET_ADMIN"], CapDrop: null },
  NetworkSettings: { Ports: {} },
} as unknown as ContainerInspectInfo;

describe("the Overview model", () => {
  it("reads state, exit code, command, limits and policy from inspect", () => {
    const o = containerOverview(inspect, true);
    expect(o).toMatchObject({
      name: "web-1", state: "exited", running: false, exitCode: 137, command: ["sh", "-c", "echo hi"],
      restartPolicy: { name: "on-failure", maxRetries: 3 }, restartCount: 2, init: true, capAdd: ["NET_ADMIN"], capDrop: [],
      limits: { memory: 67108864, nanoCpus: 500000000, pidsLimit: null },
      mounts: [{ type: "bind", source: "/srv", destination: "/data", readOnly: true }],
      labels: [["team", "web"]],
    });
  });

  it("shows environment values only when allowed, names always", () => {
    expect(containerOverview(inspect, true).env).toEqual([
      { name: "PATH", value: "/bin" }, { name: "SECRET", value: "hunter2" }, { name: "EMPTY", value: "" },
    ]);
    expect(containerOverview(inspect, false).env).toEqual([
      { name: "PATH", value: null }, { name: "SECRET", value: null }, { name: "EMPTY", value: null },
    ]);
  });

  it("redacts the values in the inspect document, leaving the rest and the original alone", () => {
    const redacted = redactedInspect(inspect);
    expect(redacted.Config.Env).toEqual(["PATH=[redacted]", "SECRET=[redacted]", "EMPTY=[redacted]"]);
    expect(JSON.stringify(redacted)).not.toContain("hunter2");
    expect(inspect.Config.Env).toContain("SECRET=hunter2");
    expect(redacted.Config.Labels).toEqual({ team: "web" });
  });
});
