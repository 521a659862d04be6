/**
 * The instructions that change only the image config: ENV, LABEL, WORKDIR, USER, CMD, ENTRYPOINT, EXPOSE, VOLUME,
 * HEALTHCHECK, STOPSIGNAL, ONBUILD, MAINTAINER, SHELL. Each becomes one history entry with `empty_layer` and no
 * layer; what it records (`#(nop)  ENV a=b`) is also what its cache key sees. Variables are substituted only in the
 * instructions the reference lists (ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME, STOPSIGNAL).
 */
import { posix } from "node:path";
import { invalidArgument } from "../../errors.js";
import { splitKeyValues, type Instruction } from "../dockerfile/instructions.js";
import { substituteWord, substituteWords, type Vars } from "../dockerfile/substitute.js";
import { DEFAULT_SHELL, setEnv, type RunConfig } from "../state.js";

export interface MetadataChange {
  /** the history text after `#(nop) ` */
  description: string;
  apply(config: RunConfig): void;
}

export const METADATA_KEYWORDS = new Set([
  "ENV", "LABEL", "WORKDIR", "USER", "CMD", "ENTRYPOINT", "EXPOSE", "VOLUME", "HEALTHCHECK", "STOPSIGNAL", "ONBUILD",
  "MAINTAINER", "SHELL",
]);

/** `cmdSetInStage`: whether CMD was set in this stage already (ENTRYPOINT resets an inherited CMD). */
export function metadataChange(ins: Instruction, vars: Vars, escape: string, cmdSetInStage: boolean): MetadataChange {
  const words = (): string[] => substituteWords(ins.args, vars, escape);
  const shellForm = (config: RunConfig): string[] => ins.json ?? [...(config.Shell ?? DEFAULT_SHELL), ins.args];
  switch (ins.keyword) {
    case "ENV":
    case "LABEL": {
      const w = words();
      const pairs = w.length > 0 && !(w[0] as string).includes("=")
        ? legacyPair(ins, vars, escape)
        : splitKeyValues(w, ins.args, false);
      const description = `${ins.keyword} ${pairs.map(([k, v]) => `${k}=${v}`).join(" ")}`;
      return {
        description,
        apply: (c) => {
          for (const [k, v] of pairs) {
            if (ins.keyword === "ENV") c.Env = setEnv(c.Env ?? [], k, v);
            else c.Labels = { ...(c.Labels ?? {}), [k]: v };
          }
        },
      };
    }
    case "MAINTAINER":
      return { description: `MAINTAINER ${ins.args}`, apply: () => undefined };
    case "WORKDIR": {
      const dir = substituteWord(ins.args, vars, escape);
      return {
        description: `WORKDIR ${dir}`,
        apply: (c) => {
          c.WorkingDir = posix.resolve("/", c.WorkingDir || "/", dir);
        },
      };
    }
    case "USER": {
      const user = substituteWord(ins.args, vars, escape);
      return { description: `USER ${user}`, apply: (c) => void (c.User = user) };
    }
    case "CMD":
      return {
        description: `CMD ${JSON.stringify(ins.json ?? ins.args)}`,
        apply: (c) => void (c.Cmd = shellForm(c)),
      };
    case "ENTRYPOINT":
      return {
        description: `ENTRYPOINT ${JSON.stringify(ins.json ?? ins.args)}`,
        apply: (c) => {
          c.Entrypoint = shellForm(c);
          if (!cmdSetInStage) c.Cmd = null;
        },
      };
    case "EXPOSE": {
      const ports = words().flatMap(expandPorts);
      return {
        description: `EXPOSE ${ports.join(" ")}`,
        apply: (c) => {
          c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
          for (const p of ports) c.ExposedPorts[p] = {};
        },
      };
    }
    case "VOLUME": {
      const vols = (ins.json ?? words()).filter((v) => v !== "");
      if (vols.length === 0) throw invalidArgument(`Dockerfile:${ins.line}: VOLUME specified can not be an empty string`);
      return {
        description: `VOLUME ${JSON.stringify(vols)}`,
        apply: (c) => {
          c.Volumes = { ...(c.Volumes ?? {}) };
          for (const v of vols) c.Volumes[v] = {};
        },
      };
    }
    case "STOPSIGNAL": {
      const sig = substituteWord(ins.args, vars, escape);
      if (!/^(SIG)?[A-Z0-9+-]+$/i.test(sig)) throw invalidArgument(`Dockerfile:${ins.line}: invalid signal: ${sig}`);
      return { description: `STOPSIGNAL ${sig}`, apply: (c) => void (c.StopSignal = sig) };
    }
    case "SHELL":
      if (!ins.json || ins.json.length === 0) {
        throw invalidArgument(`Dockerfile:${ins.line}: SHELL requires the arguments to be in JSON form`);
      }
      return { description: `SHELL ${JSON.stringify(ins.json)}`, apply: (c) => void (c.Shell = ins.json) };
    case "ONBUILD": {
      const inner = (/^\S+/.exec(ins.args)?.[0] ?? "").toUpperCase();
      if (["ONBUILD", "FROM", "MAINTAINER"].includes(inner)) {
        throw invalidArgument(`Dockerfile:${ins.line}: ${inner} isn't allowed as an ONBUILD trigger`);
      }
      return {
        description: `ONBUILD ${ins.args}`,
        apply: (c) => void (c.OnBuild = [...(c.OnBuild ?? []), ins.args]),
      };
    }
    case "HEALTHCHECK":
      return healthcheck(ins);
    default:
      throw invalidArgument(`Dockerfile:${ins.line}: ${ins.keyword} is not a metadata instruction`);
  }
}

function legacyPair(ins: Instruction, vars: Vars, escape: string): Array<[string, string]> {
  const m = /^(\S+)\s+([\s\S]*)$/.exec(ins.args);
  if (!m) throw invalidArgument(`Dockerfile:${ins.line}: ${ins.keyword} requires a value: ${ins.args}`);
  return [[substituteWord(m[1] as string, vars, escape), substituteWord(m[2] as string, vars, escape)]];
}

function expandPorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!m) throw invalidArgument(`invalid port specification: "${spec}"`);
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  const proto = (m[3] ?? "tcp").toLowerCase();
  if (from < 1 || to > 65535 || to < from) throw invalidArgument(`invalid range specified for port: ${spec}`);
  return Array.from({ length: to - from + 1 }, (_, i) => `${from + i}/${proto}`);
}

const HC_FLAGS: Record<string, "Interval" | "Timeout" | "StartPeriod" | "StartInterval"> = {
  interval: "Interval", timeout: "Timeout", "start-period": "StartPeriod", "start-interval": "StartInterval",
};

function healthcheck(ins: Instruction): MetadataChange {
  const text = ins.args.trim();
  if (/^none$/i.test(text)) {
    return { description: "HEALTHCHECK NONE", apply: (c) => void (c.Healthcheck = { Test: ["NONE"] }) };
  }
  const m = /^CMD\s+([\s\S]+)$/i.exec(text);
  if (!m) throw invalidArgument(`Dockerfile:${ins.line}: HEALTHCHECK requires CMD or NONE`);
  const rest = (m[1] as string).trim();
  let json: string[] | undefined;
  try {
    const v: unknown = JSON.parse(rest);
    if (Array.isArray(v) && v.every((s) => typeof s === "string")) json = v as string[];
  } catch {
    // shell form
  }
  const hc: NonNullable<RunConfig["Healthcheck"]> = { Test: json ? ["CMD", ...json] : ["CMD-SHELL", rest] };
  for (const [flag, value] of ins.flags) {
    if (flag === "retries") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw invalidArgument(`Dockerfile:${ins.line}: invalid --retries: ${value}`);
      hc.Retries = n;
    } else if (HC_FLAGS[flag]) {
      hc[HC_FLAGS[flag]] = parseDuration(value, ins.line);
    }
  }
  return { description: `HEALTHCHECK ${JSON.stringify(hc)}`, apply: (c) => void (c.Healthcheck = hc) };
}

/** Go durations ("30s", "1m30s", "500ms") in nanoseconds. */
export function parseDuration(text: string, line: number): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let rest = text;
  if (rest === "0") return 0;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) throw invalidArgument(`Dockerfile:${line}: invalid duration: ${text}`);
    total += Number(m[1]) * (units[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}
