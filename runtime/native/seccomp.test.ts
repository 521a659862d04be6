/**
 * seccomp in hako-shim: the OCI `linux.seccomp` compiled to classic BPF (no libseccomp) and loaded in the container's
 * init. Two halves: the compiled program run by a BPF interpreter here against a model of the OCI semantics (every
 * syscall, 64-bit argument comparisons at their edges), then the real kernel enforcing it in busybox containers.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dockerProfileToOci, type DockerSeccompProfile, type OciSeccomp } from "./seccomp-profile.js";
import {
  DOCKER_CAPS, FIXTURES, SECCOMP_TOOL, SYSCALL_PROBE, buildShim, create, isRoot, rootfs, run, useShimHarness,
  type Spec,
} from "./test/harness.js";

// ---- the profile: Docker's own, or (without ../shared) one in the same format built here ----

const DOCKER_PROFILE = path.join(FIXTURES, "reference", "docker-default-seccomp.json");
const haveDockerProfile = fs.existsSync(DOCKER_PROFILE);
const profileSource = haveDockerProfile
  ? "Docker's default profile"
  : "a Docker-format allow-list built in the test (the reference profile is absent)";

/** Without the reference file: allow every syscall of the table but a deny-list, with Docker's argument rules. */
function builtProfile(table: Map<string, number>): DockerSeccompProfile {
  const denied = new Set(["unshare", "mount", "umount2", "setns", "keyctl", "add_key", "request_key", "swapon",
    "swapoff", "personality", "clone", "clone3", "reboot", "ptrace", "kexec_load", "init_module", "bpf"]);
  return {
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: 1,
    archMap: [{ architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] }],
    syscalls: [
      { names: [...table.keys()].filter((n) => !denied.has(n)), action: "SCMP_ACT_ALLOW" },
      ...[0, 8, 131072, 131080, 4294967295].map((value) => ({
        names: ["personality"], action: "SCMP_ACT_ALLOW" as const, args: [{ index: 0, value, op: "SCMP_CMP_EQ" as const }],
      })),
      { names: ["unshare", "mount", "umount2", "setns", "clone", "clone3"], action: "SCMP_ACT_ALLOW",
        includes: { caps: ["CAP_SYS_ADMIN"] } },
      { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 2114060288, op: "SCMP_CMP_MASKED_EQ" }],
        excludes: { caps: ["CAP_SYS_ADMIN"] } },
      { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38, excludes: { caps: ["CAP_SYS_ADMIN"] } },
    ],
  };
}

// ---- the compiled program, and an interpreter for it ----

const RET = { KILL_THREAD: 0, KILL_PROCESS: 0x80000000, TRAP: 0x00030000, ERRNO: 0x00050000, TRACE: 0x7ff00000,
  LOG: 0x7ffc0000, ALLOW: 0x7fff0000 };
const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;

interface Compiled {
  instructions: number;
  jsonUs: number;
  buildUs: number;
  program: Array<[number, number, number, number]>;
}

let dir = "";

function compile(seccomp: unknown, iterations = 1): Compiled {
  const file = path.join(dir, `seccomp-${process.hrtime.bigint()}.json`);
  fs.writeFileSync(file, JSON.stringify(seccomp));
  const r = spawnSync(SECCOMP_TOOL, ["compile", file, String(iterations)]);
  const out = r.stdout.toString();
  if (r.status !== 0) throw new Error(out.trim() || r.stderr.toString());
  return JSON.parse(out);
}

function compileError(seccomp: unknown): string {
  try {
    compile(seccomp);
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

/** Runs the program on one seccomp_data {nr, arch, ip, args[6]}; checks every jump stays inside it. */
function evaluate(program: Compiled["program"], nr: number, args: bigint[] = [], arch = AUDIT_ARCH_X86_64): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(nr >>> 0, 0);
  data.writeUInt32LE(arch, 4);
  for (let i = 0; i < 6; i++) data.writeBigUInt64LE(BigInt.asUintN(64, args[i] ?? 0n), 16 + 8 * i);
  let a = 0;
  for (let pc = 0, steps = 0; steps < 10_000; steps++) {
    const insn = program[pc];
    if (!insn) throw new Error(`jump out of the program at ${pc}`);
    const [code, jt, jf, k] = insn;
    const jump = (cond: boolean) => (pc += 1 + (cond ? jt : jf));
    switch (code) {
      case 0x20: a = data.readUInt32LE(k); pc++; break; // ld [k]
      case 0x54: a = (a & k) >>> 0; pc++; break; // and #k
      case 0x05: pc += 1 + k; break; // ja
      case 0x15: jump(a === k); break; // jeq
      case 0x25: jump(a > k); break; // jgt
      case 0x35: jump(a >= k); break; // jge
      case 0x06: return k; // ret
      default: throw new Error(`unexpected instruction ${code.toString(16)} at ${pc}`);
    }
  }
  throw new Error("the program does not end");
}

// ---- a model of the OCI semantics the shim implements (README "seccomp") ----

type Rule = { action: number; args: Array<{ index: number; value: bigint; valueTwo: bigint; op: string }> };

function actionValue(action: string, errnoRet?: number): number {
  const data = errnoRet ?? 1;
  switch (action) {
    case "SCMP_ACT_ALLOW": return RET.ALLOW;
    case "SCMP_ACT_ERRNO": return RET.ERRNO | data;
    case "SCMP_ACT_TRACE": return (RET.TRACE | data) >>> 0;
    case "SCMP_ACT_LOG": return RET.LOG;
    case "SCMP_ACT_TRAP": return RET.TRAP;
    case "SCMP_ACT_KILL_PROCESS": return RET.KILL_PROCESS;
    default: return RET.KILL_THREAD;
  }
}

function holds(op: string, arg: bigint, value: bigint, valueTwo: bigint): boolean {
  switch (op) {
    case "SCMP_CMP_EQ": return arg === value;
    case "SCMP_CMP_NE": return arg !== value;
    case "SCMP_CMP_LT": return arg < value;
    case "SCMP_CMP_LE": return arg <= value;
    case "SCMP_CMP_GT": return arg > value;
    case "SCMP_CMP_GE": return arg >= value;
    case "SCMP_CMP_MASKED_EQ": return (arg & value) === valueTwo;
    default: throw new Error(op);
  }
}

function model(seccomp: OciSeccomp, table: Map<string, number>) {
  const byNr = new Map<number, Rule[]>();
  let highest = -1;
  for (const s of seccomp.syscalls) {
    const args = (s.args ?? []).map((a) => ({ index: a.index, value: BigInt(a.value), valueTwo: BigInt(a.valueTwo ?? 0), op: a.op }));
    const repeated = new Set(args.map((a) => a.index)).size !== args.length;
    const rules = repeated ? args.map((a) => ({ action: actionValue(s.action, s.errnoRet), args: [a] }))
      : [{ action: actionValue(s.action, s.errnoRet), args }];
    for (const name of s.names) {
      const nr = table.get(name);
      if (nr === undefined) continue;
      highest = Math.max(highest, nr);
      byNr.set(nr, [...(byNr.get(nr) ?? []), ...rules]);
    }
  }
  const def = actionValue(seccomp.defaultAction, seccomp.defaultErrnoRet);
  const stub = ![RET.ALLOW, RET.LOG].includes(def) && (def & 0xffff0000) >>> 0 !== RET.TRACE && def !== (RET.ERRNO | 38);
  return (nr: number, args: bigint[] = []): number => {
    for (const r of byNr.get(nr) ?? []) if (r.args.every((a) => holds(a.op, args[a.index] ?? 0n, a.value, a.valueTwo))) return r.action;
    return stub && nr > highest ? RET.ERRNO | 38 : def;
  };
}

let table = new Map<string, number>();

function dockerDefault(caps: readonly string[] = DOCKER_CAPS): OciSeccomp {
  const profile = haveDockerProfile ? JSON.parse(fs.readFileSync(DOCKER_PROFILE, "utf8")) : builtProfile(table);
  return dockerProfileToOci(profile, { caps, arch: "amd64", kernel: "6.1" });
}

describe("seccomp compiler: the BPF program against a model of the OCI semantics", () => {
  beforeAll(() => {
    buildShim();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hako-seccomp-"));
    table = new Map(execFileSync(SECCOMP_TOOL, ["syscalls"]).toString().trim().split("\n").map((l) => {
      const [name, nr] = l.split(" ");
      return [name!, Number(nr)] as [string, number];
    }));
    console.log(`seccomp tests: ${profileSource}`);
    return () => fs.rmSync(dir, { recursive: true, force: true });
  });

  it("knows the x86_64 syscall table, newer syscalls included", () => {
    expect(table.get("read")).toBe(0);
    expect(table.get("clone3")).toBe(435);
    expect(table.get("fchmodat2")).toBe(452);
    expect(table.get("mseal")).toBe(462);
    expect(table.size).toBeGreaterThan(360);
  });

  it.each([
    ["Docker's default capabilities", DOCKER_CAPS],
    ["CAP_SYS_ADMIN added", [...DOCKER_CAPS, "CAP_SYS_ADMIN"]],
  ])("decides every syscall as the model does, with %s", (_what, caps) => {
    const oci = dockerDefault(caps);
    const { program, instructions } = compile(oci);
    const expected = model(oci, table);
    const argSets: bigint[][] = [[], [8n], [0x40000n], [0x10000000n | 17n], [17n], [40n, 1n], [1n, 1n], [0xffffffffn],
      [0x100000008n], [0xffffffffffffffffn]];
    for (const nr of [...new Set(table.values()), 1000, 0x3fffffff])
      for (const args of argSets) expect(evaluate(program, nr, args) >>> 0, `syscall ${nr} (${args})`).toBe(expected(nr, args) >>> 0);
    expect(instructions).toBeLessThan(400);
  });

  it("kills another architecture's syscalls and x32's, and gives a tracer's -1 the default action", () => {
    const { program } = compile(dockerDefault());
    expect(evaluate(program, table.get("read")!, [], AUDIT_ARCH_I386) >>> 0).toBe(RET.KILL_PROCESS);
    expect(evaluate(program, 0x40000000 + 39) >>> 0).toBe(RET.KILL_PROCESS);
    expect(evaluate(program, 0xffffffff) >>> 0).toBe(RET.ERRNO | 1);
  });

  it("compares 64-bit arguments on both halves, for every operator, at the edges", () => {
    const values = [0n, 5n, 0xffffffffn, 0x100000000n, 0x100000005n, 0xfffffffffffffff0n];
    const ops = ["SCMP_CMP_EQ", "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_GT", "SCMP_CMP_GE"];
    const names = [...table.keys()];
    const cases: Array<{ name: string; op: string; value: bigint; valueTwo: bigint }> = [];
    for (const op of ops) for (const value of values) cases.push({ name: names[cases.length]!, op, value, valueTwo: 0n });
    for (const [mask, datum] of [[0x7e020000n, 0n], [0xff00000000n, 0x1200000000n], [0xffffffffffffffffn, 5n], [0n, 0n]] as const)
      cases.push({ name: names[cases.length]!, op: "SCMP_CMP_MASKED_EQ", value: mask, valueTwo: datum });
    // values above 2^53 do not survive JSON.stringify as numbers: written out by hand
    const json = `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[${cases.map((c) =>
      `{"names":["${c.name}"],"action":"SCMP_ACT_ALLOW","args":[{"index":3,"value":${c.value},"valueTwo":${c.valueTwo},"op":"${c.op}"}]}`).join(",")}]}`;
    const file = path.join(dir, "edges.json");
    fs.writeFileSync(file, json);
    const { program } = JSON.parse(execFileSync(SECCOMP_TOOL, ["compile", file]).toString()) as Compiled;
    const probes = new Set<bigint>();
    for (const v of [...values, 0x7e020000n, 0x1200000000n, 0xffffffffffffffffn, 0x7fffffffn, 0x80000000n])
      for (const d of [-1n, 0n, 1n, 0x100000000n, -0x100000000n]) probes.add(BigInt.asUintN(64, v + d));
    for (const c of cases)
      for (const arg of probes) {
        const want = holds(c.op, arg, c.value, c.valueTwo) ? RET.ALLOW : RET.ERRNO | 1;
        expect(evaluate(program, table.get(c.name)!, [0n, 0n, 0n, arg]) >>> 0, `${c.op} ${c.value} on ${arg}`).toBe(want);
      }
  });

  it("tries one syscall's rules in the spec's order; a rule comparing one argument twice matches either", () => {
    const { program } = compile({
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [
        { names: ["getpid"], action: "SCMP_ACT_ERRNO", errnoRet: 13, args: [{ index: 0, value: 1, op: "SCMP_CMP_EQ" }] },
        { names: ["getpid"], action: "SCMP_ACT_KILL_PROCESS" },
        { names: ["getpid"], action: "SCMP_ACT_ERRNO", errnoRet: 14 }, // never reached
        { names: ["kill"], action: "SCMP_ACT_ERRNO", args: [{ index: 1, value: 9, op: "SCMP_CMP_EQ" }, { index: 1, value: 15, op: "SCMP_CMP_EQ" }] },
        { names: ["nosuch_syscall", "read"], action: "SCMP_ACT_LOG" },
      ],
    });
    const getpid = table.get("getpid")!, kill = table.get("kill")!;
    expect(evaluate(program, getpid, [1n]) >>> 0).toBe(RET.ERRNO | 13);
    expect(evaluate(program, getpid, [2n]) >>> 0).toBe(RET.KILL_PROCESS);
    expect(evaluate(program, kill, [1n, 9n]) >>> 0).toBe(RET.ERRNO | 1);
    expect(evaluate(program, kill, [1n, 15n]) >>> 0).toBe(RET.ERRNO | 1);
    expect(evaluate(program, kill, [1n, 2n]) >>> 0).toBe(RET.ALLOW);
    expect(evaluate(program, table.get("read")!) >>> 0).toBe(RET.LOG);
    expect(evaluate(program, 1000) >>> 0).toBe(RET.ALLOW); // no ENOSYS stub under a default that allows
  });

  it("maps every action, and TRACE's errnoRet as the tracer's message", () => {
    const actions = ["SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG",
      "SCMP_ACT_ALLOW"];
    const names = ["getpid", "getppid", "getuid", "geteuid", "getgid", "getegid"];
    const { program } = compile({
      defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 22,
      syscalls: [...actions.map((action, i) => ({ names: [names[i]!], action })),
        { names: ["gettid"], action: "SCMP_ACT_TRACE", errnoRet: 7 }, { names: ["getpgrp"], action: "SCMP_ACT_TRACE" }],
    });
    expect(names.map((n) => evaluate(program, table.get(n)!) >>> 0)).toEqual(
      [RET.KILL_THREAD, RET.KILL_THREAD, RET.KILL_PROCESS, RET.TRAP, RET.LOG, RET.ALLOW]);
    expect(evaluate(program, table.get("gettid")!) >>> 0).toBe((RET.TRACE | 7) >>> 0);
    expect(evaluate(program, table.get("getpgrp")!) >>> 0).toBe((RET.TRACE | 1) >>> 0);
    expect(evaluate(program, table.get("read")!) >>> 0).toBe(RET.ERRNO | 22);
  });

  it("stays correct when a subtree is longer than a conditional jump can reach", () => {
    // every syscall with its own argument rules: hundreds of instructions on either side of the tree's root
    const names = [...table.keys()].slice(0, 120);
    const oci: OciSeccomp = { defaultAction: "SCMP_ACT_ERRNO", syscalls: names.map((n, i) => ({
      names: [n], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: i, op: "SCMP_CMP_GE" }, { index: 1, value: 7, op: "SCMP_CMP_NE" }],
    })) };
    const { program, instructions } = compile(oci);
    expect(instructions).toBeGreaterThan(1000);
    const expected = model(oci, table);
    for (const n of names)
      for (const args of [[0n, 0n], [200n, 7n], [200n, 8n], [50n, 0n]])
        expect(evaluate(program, table.get(n)!, args) >>> 0, `${n} ${args}`).toBe(expected(table.get(n)!, args) >>> 0);
  });

  it("refuses what it cannot do faithfully, naming the field", () => {
    const base = { defaultAction: "SCMP_ACT_ERRNO" };
    expect(compileError({ ...base, defaultAction: "SCMP_ACT_MAYBE" })).toMatch(/unknown action `SCMP_ACT_MAYBE`/);
    expect(compileError({ ...base, defaultAction: "SCMP_ACT_ALLOW", defaultErrnoRet: 1 })).toMatch(/SCMP_ACT_ALLOW takes no errnoRet/);
    expect(compileError({ ...base, syscalls: [{ names: ["read"], action: "SCMP_ACT_NOTIFY" }] })).toMatch(/SCMP_ACT_NOTIFY .* not supported/);
    expect(compileError({ ...base, syscalls: [{ names: [], action: "SCMP_ACT_ALLOW" }] })).toMatch(/names/);
    expect(compileError({ ...base, syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW", args: [{ index: 6, value: 1, op: "SCMP_CMP_EQ" }] }] }))
      .toMatch(/index 6/);
    expect(compileError({ ...base, syscalls: [{ names: ["read"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 1, op: "SCMP_CMP_ABOUT" }] }] }))
      .toMatch(/unknown seccomp operator/);
    expect(compileError({ ...base, architectures: ["SCMP_ARCH_Z80"] })).toMatch(/unknown seccomp architecture/);
    expect(compileError({ ...base, flags: ["SECCOMP_FILTER_FLAG_MAGIC"] })).toMatch(/unknown seccomp flag/);
  });

  it("builds Docker's default profile in well under a millisecond (measured, not asserted)", () => {
    const { instructions, jsonUs, buildUs } = compile(dockerDefault(), 2000);
    console.log(`seccomp: ${profileSource}: ${instructions} BPF instructions; JSON parse ${jsonUs} µs, ` +
      `filter build ${buildUs} µs (mean of 2000)`);
    expect(instructions).toBeGreaterThan(50);
  });
});

// ---- the kernel enforcing it, inside containers ----

function withSeccomp(seccomp: OciSeccomp | undefined, more: (s: Spec) => void = () => undefined) {
  return (s: Spec) => {
    if (seccomp) s.linux.seccomp = seccomp;
    more(s);
  };
}

describe.skipIf(!isRoot)(`seccomp in a container (${profileSource})`, () => {
  useShimHarness();
  beforeAll(() => {
    fs.copyFileSync(SYSCALL_PROBE, path.join(rootfs, "probe"));
    fs.chmodSync(path.join(rootfs, "probe"), 0o755);
  });

  it("applies the profile (Seccomp 2 in /proc/self/status) and a normal workload runs", async () => {
    const { stdout, exit } = await run(
      ["sh", "-c", "grep -E '^Seccomp' /proc/self/status; ls -l / >/dev/null && echo listed; echo $((6*7)) | cat; date >/dev/null && echo dated"],
      { edit: withSeccomp(dockerDefault()) },
    );
    expect(exit.exitCode).toBe(0);
    expect(stdout).toBe("Seccomp:\t2\nSeccomp_filters:\t1\nlisted\n42\ndated\n");
  });

  it("leaves a container without linux.seccomp unconfined (Seccomp 0)", async () => {
    const { stdout } = await run(["sh", "-c", "grep -E '^Seccomp:' /proc/self/status; unshare -U true && echo userns"]);
    expect(stdout).toBe("Seccomp:\t0\nuserns\n");
  });

  it("refuses what the profile denies with EPERM: unshare --user, a user namespace by clone, keyctl, swapoff", async () => {
    const script = "unshare -U true 2>&1; /probe clone 0x10000011; /probe keyctl 0; /probe swapoff 0; /probe clone 17";
    const confined = await run(["sh", "-c", script], { edit: withSeccomp(dockerDefault()) });
    expect(confined.stdout).toMatch(/^unshare: unshare\(0x10000000\): Operation not permitted\nerrno 1\nerrno 1\nerrno 1\nok \d+\n$/);
    // the same calls without the filter: the namespaces are made (keyctl and swapoff fail for their own reasons)
    const free = await run(["sh", "-c", script]);
    expect(free.stdout).toMatch(/^ok \d+\nerrno \d+\nerrno \d+\nok \d+\n$/);
  });

  it("filters on arguments: personality only for Docker's values, compared on all 64 bits; clone3 gets ENOSYS", async () => {
    const { stdout } = await run(
      ["sh", "-c", "/probe personality 0xffffffff; /probe personality 8; /probe personality 0x40000; /probe personality 0x100000000; " +
        "linux32 true && echo linux32; /probe clone3 0 0"],
      { edit: withSeccomp(dockerDefault()) },
    );
    expect(stdout).toMatch(/^ok \d+\nok \d+\nerrno 1\nerrno 1\nlinux32\nerrno 38\n$/);
  });

  it("gives ENOSYS above the profile's newest syscall, and kills another architecture's (x32) syscall", async () => {
    const { stdout, exit } = await run(["sh", "-c", "/probe 1000; exec /probe 0x40000027"], { edit: withSeccomp(dockerDefault()) });
    expect(stdout).toBe("errno 38\n");
    expect(exit).toMatchObject({ exitCode: 159, signal: 31 }); // SIGSYS
  });

  it("honours each action: ERRNO with its errno, TRACE (ENOSYS without a tracer), LOG, TRAP, KILL_PROCESS", async () => {
    const seccomp: OciSeccomp = {
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [
        { names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 13 },
        { names: ["sysinfo"], action: "SCMP_ACT_TRACE" },
        { names: ["getpriority"], action: "SCMP_ACT_LOG" },
        { names: ["syslog"], action: "SCMP_ACT_TRAP" },
        { names: ["acct"], action: "SCMP_ACT_KILL_PROCESS" },
      ],
    };
    const { stdout, exit } = await run(
      ["sh", "-c", "mkdir /x 2>&1; /probe sysinfo 0; /probe getpriority 0 0; /probe syslog 3 0 0; echo trapped $?; exec /probe acct 0"],
      { edit: withSeccomp(seccomp) },
    );
    expect(stdout).toMatch(/Permission denied\nerrno 38\nok \d+\ntrapped 159\n$/);
    expect(exit).toMatchObject({ exitCode: 159, signal: 31 });
  });

  it("loads the filter without no_new_privs too (while init still holds CAP_SYS_ADMIN), for root and for a user", async () => {
    for (const user of [{ uid: 0, gid: 0 }, { uid: 1000, gid: 1000 }]) {
      const { stdout, exit } = await run(
        ["sh", "-c", "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; id -u; unshare -U true 2>&1"],
        { edit: withSeccomp(dockerDefault(), (s) => Object.assign(s.process, { noNewPrivileges: false, user })) },
      );
      expect(stdout).toBe(`NoNewPrivs:\t0\nSeccomp:\t2\n${user.uid}\nunshare: unshare(0x10000000): Operation not permitted\n`);
      expect(exit.exitCode).toBe(1);
    }
  });

  it("refuses a profile it cannot apply at create, with a clear error and nothing left behind", async () => {
    const shim = await create(["true"], {
      edit: withSeccomp({ defaultAction: "SCMP_ACT_ERRNO", syscalls: [{ names: ["read"], action: "SCMP_ACT_NOTIFY" }] }),
    });
    expect(shim.line).toMatch(/^error config.json: linux.seccomp.syscalls\[\]\.action: SCMP_ACT_NOTIFY .* not supported$/);
    expect(await shim.exited).toBe(1);
  });
});
