/**
 * `docker stats` against a real hakod on this machine's cgroup v1 (the v2 reader is tested against a directory shaped
 * like a v2 cgroup in cgroups/stats.test.ts), and `docker system df` / `ps --size` against `du` of the upper dir.
 */
import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { streamLines, until } from "./observe-helpers.js";

interface Stats {
  read: string;
  preread: string;
  name: string;
  id: string;
  cpu_stats: { cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number;
    usage_in_usermode: number }; system_cpu_usage: number; online_cpus: number;
    throttling_data: { periods: number; throttled_periods: number; throttled_time: number } };
  precpu_stats: Stats["cpu_stats"];
  memory_stats: { usage: number; max_usage?: number; limit: number; stats: Record<string, number> };
  pids_stats: { current: number; limit?: number };
  blkio_stats: { io_service_bytes_recursive: Array<{ major: number; minor: number; op: string; value: number }> | null };
  networks?: Record<string, { rx_bytes: number; tx_bytes: number; rx_packets: number }>;
}

const MiB = 1024 * 1024;
/** go-units' HumanSizeWithPrecision, as the CLI prints sizes: decimal units, four (or `digits`) significant digits */
const humanSize = (n: number, digits = 4): string => {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${Number(n.toPrecision(digits))}${units[i]}`;
};

describe.skipIf(!isRoot)("docker stats and system df", () => {
  let engine: EngineHandle;
  let B: string;

  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  /** a single sample, without waiting for a previous one */
  const sample = async (name: string): Promise<Stats> =>
    (await engine.request("GET", `/containers/${name}/stats?stream=0&one-shot=1`)).json<Stats>();
  it("reports a running container's use in Docker's fields, with a previous sample for --no-stream", async () => {
    const id = (await engine.docker(["run", "-d", "--name", "limited", "--memory", "64m", "--pids-limit", "50", B,
      "sh", "-c", "dd if=/dev/zero of=/tmp/fill bs=1M count=8 2>/dev/null; sleep 600"])).stdout.trim();
    // the 8 MiB are written once dd has ended and sleep is the only process (the shell execs its last command)
    await until(async () => (await sample("limited")).pids_stats.current === 1);
    const r = await engine.request("GET", "/containers/limited/stats?stream=0");
    expect(r.status).toBe(200);
    const s = r.json<Stats>();
    expect(s.name).toBe("/limited");
    expect(s.id).toBe(id);
    expect(Date.parse(s.read)).toBeGreaterThan(Date.parse(s.preread));
    expect(s.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
    expect(s.cpu_stats.cpu_usage.total_usage).toBeGreaterThanOrEqual(s.precpu_stats.cpu_usage.total_usage);
    expect(s.cpu_stats.cpu_usage.percpu_usage).toHaveLength(cpus().length);
    expect(s.cpu_stats.online_cpus).toBe(cpus().length);
    expect(s.cpu_stats.system_cpu_usage).toBeGreaterThan(s.precpu_stats.system_cpu_usage);
    expect(s.cpu_stats.throttling_data).toEqual(expect.objectContaining({ periods: expect.any(Number) }));
    expect(s.memory_stats.limit).toBe(64 * MiB);
    // /tmp is the container's writable layer: the 8 MiB written there are page cache charged to it
    expect(s.memory_stats.usage).toBeGreaterThan(8 * MiB);
    expect(s.memory_stats.usage).toBeLessThanOrEqual(64 * MiB);
    expect(s.memory_stats.max_usage).toBeGreaterThanOrEqual(s.memory_stats.usage);
    expect(s.memory_stats.stats).toHaveProperty("total_inactive_file");
    expect(s.memory_stats.stats).toHaveProperty("cache");
    expect(s.pids_stats).toEqual({ current: 1, limit: 50 });
    expect(s.blkio_stats).toHaveProperty("io_service_bytes_recursive");
    expect(Object.keys(s.networks ?? {})).toEqual(["eth0"]);
  });

  it("prints sane columns with docker stats --no-stream", async () => {
    await engine.docker(["run", "-d", "--name", "busy", "--cpus", "0.5", B, "sh", "-c", "while :; do :; done"]);
    await until(async () => (await sample("busy")).cpu_stats.cpu_usage.total_usage > 0); // the loop is spinning
    const r = await engine.docker(["stats", "--no-stream", "--format",
      "{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.MemPerc}}|{{.NetIO}}|{{.BlockIO}}|{{.PIDs}}", "busy", "limited"]);
    expect(r.stderr).toBe("");
    const [busy, limited] = r.stdout.trim().split("\n").map((l) => l.split("|")) as [string[], string[]];
    const cpu = Number.parseFloat(busy[1] as string);
    // held to half a CPU by its quota: between nothing and a little over 50 %
    expect(cpu).toBeGreaterThan(5);
    expect(cpu).toBeLessThan(70);
    const hostGiB = totalmem() / 2 ** 30;
    expect(busy[2]).toMatch(new RegExp(`^[\\d.]+[KM]iB / ${hostGiB.toFixed(2).replace(/0$/, "").replace(/\.$/, "")}`));
    // (the CLI leaves inactive file cache out of the usage)
    expect(limited[2]).toMatch(/^[\d.]+[KM]iB \/ 64MiB$/);
    expect(limited[3]).toMatch(/^\d+\.\d\d%$/);
    expect(limited[4]).toMatch(/^[\d.]+k?B \/ [\d.]+k?B$/);
    expect(limited[5]).toMatch(/^[\d.]+[kMG]?B \/ [\d.]+[kMG]?B$/);
    expect(busy[6]).toBe("1");
    expect(limited[6]).toBe("1");
    await engine.docker(["rm", "-f", "busy"]);
  });

  it("streams one sample per second, each paired with the one before", async () => {
    const { status, lines } = await streamLines(engine, "/containers/limited/stats", (l) => l.length >= 3);
    expect(status).toBe(200);
    const samples = lines.map((l) => JSON.parse(l) as Stats);
    expect(samples[0]?.preread).toBe("0001-01-01T00:00:00Z");
    expect(samples[1]?.preread).toBe(samples[0]?.read);
    expect(samples[2]?.preread).toBe(samples[1]?.read);
    expect(samples[2]?.precpu_stats.cpu_usage.total_usage).toBe(samples[1]?.cpu_stats.cpu_usage.total_usage);
  });

  it("answers at once with one-shot, zeros for a stopped container, and refuses bad combinations", async () => {
    const oneShot = (await engine.request("GET", "/containers/limited/stats?stream=0&one-shot=1")).json<Stats>();
    expect(oneShot.preread).toBe("0001-01-01T00:00:00Z");
    expect(oneShot.memory_stats.limit).toBe(64 * MiB);
    const id = (await engine.docker(["create", "--name", "idle", B, "true"])).stdout.trim();
    const idle = (await engine.request("GET", `/containers/${id}/stats?stream=0`)).json<Stats>();
    expect(idle).toMatchObject({ read: "0001-01-01T00:00:00Z", name: "/idle", memory_stats: {}, pids_stats: {} });
    expect(idle.cpu_stats.cpu_usage.total_usage).toBe(0);
    const unlimited = (await engine.docker(["run", "-d", B, "sleep", "600"])).stdout.trim();
    expect((await engine.request("GET", `/containers/${unlimited}/stats?stream=0&one-shot=1`)).json<Stats>()
      .memory_stats.limit).toBe(totalmem());
    expect((await engine.request("GET", "/containers/limited/stats?stream=1&one-shot=1")).status).toBe(400);
    expect((await engine.request("GET", "/containers/nosuch/stats?stream=0")).status).toBe(404);
    await engine.docker(["rm", "-f", unlimited, "idle"]);
  });

  it("tells disk usage with docker system df, sizes agreeing with du of the writable layer", async () => {
    await engine.docker(["run", "--name", "writer", B, "sh", "-c",
      "dd if=/dev/zero of=/data.bin bs=1024 count=3072 2>/dev/null; mkdir -p /a/b; echo hi > /a/b/c; ln /data.bin /a/hard"]);
    const id = (await engine.docker(["inspect", "-f", "{{.Id}}", "writer"])).stdout.trim();
    const upper = new Layout(engine.dataRoot).upperDir(id);
    const du = Number(execFileSync("du", ["-s", "-b", upper]).toString().split(/\s/)[0]);
    const dirs = Number(execFileSync("find", [upper, "-type", "d"]).toString().trim().split("\n").length);

    const df = (await engine.request("GET", "/system/df")).json<{
      LayersSize: number;
      Images: Array<{ Id: string; Size: number; SharedSize: number; Containers: number; RepoTags: string[] }>;
      Containers: Array<{ Id: string; Names: string[]; SizeRw: number; SizeRootFs: number; State: string }>;
      Volumes: unknown[];
      BuildCache: unknown[];
    }>();
    const writer = df.Containers.find((c) => c.Names[0] === "/writer");
    // du counts the directories too (one block-sized entry each); the hard link is counted once by both
    expect(writer?.SizeRw).toBe(du - dirs * 4096);
    expect(writer?.SizeRw).toBeGreaterThan(3 * MiB);
    const image = df.Images.find((i) => i.RepoTags.includes(B));
    expect(image?.Containers).toBe(df.Containers.length);
    expect(writer?.SizeRootFs).toBe((writer?.SizeRw ?? 0) + (image?.Size ?? 0));
    expect(df.LayersSize).toBe(image?.Size);
    expect(image?.SharedSize).toBe(0);
    expect(df.BuildCache).toEqual([]);

    const cli = await engine.docker(["system", "df"]);
    expect(cli.stderr).toBe("");
    expect(cli.stdout).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\n/);
    expect(cli.stdout).toMatch(/\nImages\s+1\s+1\s+/);
    const total = df.Containers.reduce((n, c) => n + c.SizeRw, 0);
    const stopped = df.Containers.filter((c) => c.State !== "running").reduce((n, c) => n + c.SizeRw, 0);
    const running = df.Containers.filter((c) => c.State === "running").length;
    expect(cli.stdout).toMatch(new RegExp(`\\nContainers\\s+${df.Containers.length}\\s+${running}\\s+` +
      `${humanSize(total)}\\s+${humanSize(stopped)} \\(${Math.floor((stopped * 100) / total)}%\\)\\n`));
    const verbose = await engine.docker(["system", "df", "-v"]);
    expect(verbose.stdout).toContain("Images space usage:");
    expect(verbose.stdout).toMatch(new RegExp(`\\n${id.slice(0, 12)}\\s+${B.replace(/\./g, "\\.")}\\s+"sh -c 'dd if=/dev/z…"\\s+0\\s+` +
      `${humanSize(writer?.SizeRw ?? 0, 3)}\\s+.*writer\\n`));
    expect(verbose.stdout).toContain("Local Volumes space usage:");

    // a volume shows with how many containers use it and what it holds
    await engine.docker(["volume", "create", "dfvol"]);
    const user = await engine.docker(["run", "--name", "vol-user", "-v", "dfvol:/data", B, "sh", "-c",
      "dd if=/dev/zero of=/data/blob bs=1024 count=2048 2>/dev/null"]);
    expect(user.code).toBe(0);
    const vols = (await engine.request("GET", "/system/df")).json<{ Volumes: Array<{ Name: string;
      UsageData: { Size: number; RefCount: number } }> }>().Volumes;
    expect(vols.find((v) => v.Name === "dfvol")?.UsageData).toEqual({ Size: 2 * MiB, RefCount: 1 });
    expect((await engine.docker(["system", "df", "-v"])).stdout).toMatch(/\ndfvol\s+1\s+2\.097MB\n/);
    await engine.docker(["rm", "vol-user"]);

    const ps = (await engine.request("GET", "/containers/json?all=1&size=1")).json<Array<{ Id: string; SizeRw: number }>>();
    expect(ps.find((c) => c.Id === id)?.SizeRw).toBe(writer?.SizeRw);
    const psCli = await engine.docker(["ps", "-a", "-s", "--filter", "name=writer", "--format", "{{.Size}}"]);
    expect(psCli.stdout).toMatch(/^3\.\d+MB \(virtual [\d.]+MB\)\n$/);
  });
});
