/**
 * `top`: the processes in the container's cgroup. Without `ps_args` (or with `-ef`) the table is built from /proc with
 * the columns of `ps -ef` (UID PID PPID C STIME TTY TIME CMD), so no ps binary is needed; other `ps_args` run the
 * host's ps and keep the rows whose PID is in the container, as dockerd does.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { conflict, internal, invalidArgument } from "../errors.js";
import { isRunning } from "./container.js";
import type { ManagerState } from "./manager-state.js";

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/** USER_HZ: the unit of the times in /proc/<pid>/stat (100 on every Linux architecture hakod runs on) */
const HZ = 100;

export async function topContainer(m: ManagerState, ref: string, psArgs: string): Promise<TopResult> {
  const live = m.registry.find(ref);
  const rec = live.record;
  if (!isRunning(rec) || !live.task) throw conflict(`Container ${rec.id} is not running`);
  if (rec.state.status === "restarting") {
    throw conflict(`Container ${rec.id} is restarting, wait until the container is running`);
  }
  validatePsArgs(psArgs);
  const pids = await m.deps.cgroups.procs(m.deps.layout.cgroupPath(rec.id));
  const args = psArgs.trim();
  if (args === "" || args === "-ef") return psEf(pids);
  return hostPs(args.split(/\s+/), new Set(pids));
}

/** dockerd refuses output-format tricks that would rename the PID column. */
function validatePsArgs(psArgs: string): void {
  for (const [, k, v] of ` ${psArgs}`.matchAll(/\s+([^\s]*)=\s*(PID[^\s]*)/g)) {
    if (k !== "pid") throw invalidArgument(`specifying "${k}=${v}" is not allowed`);
  }
}

interface ProcStat {
  pid: number;
  ppid: number;
  ttyNr: number;
  utime: number;
  stime: number;
  starttime: number;
  comm: string;
}

function parseStat(text: string): ProcStat {
  // comm is in parentheses and may contain spaces and ")": the fields follow the last ")"
  const close = text.lastIndexOf(")");
  const f = text.slice(close + 2).split(" ");
  const at = (i: number): number => Number(f[i - 3]);
  return { pid: Number(text.slice(0, text.indexOf(" "))), comm: text.slice(text.indexOf("(") + 1, close), ppid: at(4),
    ttyNr: at(7), utime: at(14), stime: at(15), starttime: at(22) };
}

async function psEf(pids: number[]): Promise<TopResult> {
  const [users, bootSeconds, uptime] = await Promise.all([passwdNames(), bootTime(), uptimeSeconds()]);
  const now = Date.now();
  const rows: Array<{ pid: number; row: string[] }> = [];
  for (const pid of pids) {
    try {
      const [statText, status, cmdline] = await Promise.all([
        readFile(`/proc/${pid}/stat`, "utf8"), readFile(`/proc/${pid}/status`, "utf8"), readFile(`/proc/${pid}/cmdline`),
      ]);
      const st = parseStat(statText);
      const uid = Number(/^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const name = users.get(uid);
      const cpuSeconds = (st.utime + st.stime) / HZ;
      const elapsed = uptime - st.starttime / HZ;
      const c = elapsed > 0 ? Math.min(99, Math.floor((cpuSeconds * 100) / elapsed)) : 0;
      const args = cmdline.toString("utf8").split("\0").filter((a, i, all) => a !== "" || i < all.length - 1);
      rows.push({ pid, row: [
        name !== undefined && name.length <= 8 ? name : String(uid),
        String(pid),
        String(st.ppid),
        String(c),
        startTime((bootSeconds + st.starttime / HZ) * 1000, now),
        ttyName(st.ttyNr),
        cpuTime(Math.floor(cpuSeconds)),
        args.length > 0 ? args.join(" ") : `[${st.comm}]`,
      ] });
    } catch {
      // the process ended meanwhile
    }
  }
  rows.sort((a, b) => a.pid - b.pid);
  return { Titles: ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], Processes: rows.map((r) => r.row) };
}

async function passwdNames(): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  const text = await readFile("/etc/passwd", "utf8").catch(() => "");
  for (const line of text.split("\n")) {
    const [name, , uid] = line.split(":");
    if (name && uid !== undefined && !names.has(Number(uid))) names.set(Number(uid), name);
  }
  return names;
}

async function bootTime(): Promise<number> {
  return Number(/^btime (\d+)/m.exec(await readFile("/proc/stat", "utf8"))?.[1] ?? 0);
}

async function uptimeSeconds(): Promise<number> {
  return Number((await readFile("/proc/uptime", "utf8")).split(" ")[0]);
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** ps's STIME: HH:MM within the last day, MonDD within the year, else the year. */
export function startTime(ms: number, now: number): string {
  const d = new Date(ms);
  if (now - ms < 24 * 3600 * 1000) return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (now - ms < 365 * 24 * 3600 * 1000) {
    return `${d.toLocaleString("en-US", { month: "short" })}${pad(d.getDate())}`;
  }
  return String(d.getFullYear());
}

/** ps's TIME: [DD-]HH:MM:SS of CPU time. */
export function cpuTime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hms = `${pad(Math.floor((seconds % 86400) / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}

/** The controlling terminal from /proc/<pid>/stat's tty_nr, as ps names it ("?" for none). */
export function ttyName(ttyNr: number): string {
  if (ttyNr === 0) return "?";
  const major = ((ttyNr >> 8) & 0xfff);
  const minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
  if (major >= 136 && major <= 143) return `pts/${minor + (major - 136) * 256}`;
  if (major === 4) return minor < 64 ? `tty${minor}` : `ttyS${minor - 64}`;
  if (major === 5 && minor === 1) return "console";
  return "?";
}

function hostPs(args: string[], pids: Set<number>): Promise<TopResult> {
  return new Promise((resolve, reject) => {
    execFile("ps", args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(internal(`ps: ${(stderr || err.message).trim()}`));
      try {
        resolve(parsePsOutput(stdout, pids));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** dockerd's parsePSOutput: rows of the container's PIDs (and the thread rows after them), extra fields merged. */
export function parsePsOutput(output: string, pids: Set<number>): TopResult {
  const lines = output.split("\n");
  const titles = (lines[0] ?? "").trim().split(/\s+/);
  const pidIndex = titles.indexOf("PID");
  if (pidIndex < 0) throw internal("Couldn't find PID field in ps output");
  const processes: string[][] = [];
  let previousContained = false;
  const add = (fields: string[]): void => {
    processes.push([...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(" ")]);
  };
  for (const line of lines.slice(1)) {
    if (line.trim() === "") continue;
    const fields = line.trim().split(/\s+/);
    const field = fields[pidIndex] ?? "";
    if (field === "-") {
      if (previousContained) add(fields);
      continue;
    }
    const pid = Number(field);
    if (!Number.isInteger(pid)) throw internal(`Unexpected pid '${field}'`);
    previousContained = pids.has(pid);
    if (previousContained) add(fields);
  }
  return { Titles: titles, Processes: processes };
}
