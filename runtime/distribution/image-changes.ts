/**
 * The `--change` instructions of `docker import` (and `docker commit`): Dockerfile instructions that only touch the
 * image config — CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD (accepted, not kept), STOPSIGNAL, USER, VOLUME,
 * WORKDIR. Anything else is refused, as Docker refuses it.
 */
import { invalidArgument } from "../errors.js";
import type { ImageConfig } from "../store/image-store.js";

type RunConfig = NonNullable<ImageConfig["config"]>;

const ALLOWED = ["CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"];

export function applyChanges(config: RunConfig, changes: string[]): RunConfig {
  const out: RunConfig = { ...config };
  for (const raw of changes) {
    const line = raw.trim();
    if (line === "") continue;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line) as RegExpExecArray;
    const instr = (m[1] as string).toUpperCase();
    const args = (m[2] ?? "").trim();
    if (!ALLOWED.includes(instr)) throw invalidArgument(`${instr.toLowerCase()} is not a valid change command`);
    switch (instr) {
      case "CMD": out.Cmd = commandOf(args); break;
      case "ENTRYPOINT": out.Entrypoint = commandOf(args); break;
      case "ENV": {
        const env = [...(out.Env ?? [])];
        for (const [k, v] of pairs(args, "ENV")) {
          const i = env.findIndex((e) => e.split("=", 1)[0] === k);
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        out.Env = env;
        break;
      }
      case "LABEL": out.Labels = { ...(out.Labels ?? {}), ...Object.fromEntries(pairs(args, "LABEL")) }; break;
      case "EXPOSE": {
        const ports = { ...(out.ExposedPorts ?? {}) };
        for (const p of args.split(/\s+/).filter(Boolean)) {
          if (!/^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/i.test(p)) throw invalidArgument(`invalid containerPort: ${p}`);
          ports[p.includes("/") ? p.toLowerCase() : `${p}/tcp`] = {};
        }
        out.ExposedPorts = ports;
        break;
      }
      case "VOLUME": {
        const vols = { ...(out.Volumes ?? {}) };
        for (const v of listOf(args)) vols[v] = {};
        out.Volumes = vols;
        break;
      }
      case "USER": out.User = needArg(args, instr); break;
      case "WORKDIR": out.WorkingDir = needArg(args, instr); break;
      case "STOPSIGNAL": out.StopSignal = needArg(args, instr); break;
      case "ONBUILD": break;
    }
  }
  return out;
}

function needArg(args: string, instr: string): string {
  if (!args) throw invalidArgument(`${instr} requires exactly one argument`);
  return unquote(args);
}

/** JSON form (`["sh","-c","x"]`) or shell form (`echo hi` → `/bin/sh -c "echo hi"`). */
function commandOf(args: string): string[] {
  if (args.startsWith("[")) {
    try {
      const v = JSON.parse(args) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
    } catch {
      // not JSON: shell form, as Dockerfile parsing falls back
    }
  }
  return ["/bin/sh", "-c", args];
}

function listOf(args: string): string[] {
  if (args.startsWith("[")) {
    try {
      const v = JSON.parse(args) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
    } catch {
      // space-separated form
    }
  }
  return args.split(/\s+/).filter(Boolean);
}

/** `A=1 B="two words"` or the legacy `A one value` form. */
function pairs(args: string, instr: string): Array<[string, string]> {
  if (!args) throw invalidArgument(`${instr} requires at least one argument`);
  const words = splitWords(args);
  if (!(words[0] ?? "").includes("=")) {
    const [k, ...rest] = args.split(/\s+/);
    return [[k as string, unquote(rest.join(" "))]];
  }
  return words.map((w) => {
    const i = w.indexOf("=");
    if (i <= 0) throw invalidArgument(`${instr} names must be followed by '=': ${w}`);
    return [unquote(w.slice(0, i)), unquote(w.slice(i + 1))];
  });
}

function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "\\" && i + 1 < s.length) cur += s[++i];
    else if (/\s/.test(c)) {
      if (cur) out.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}
