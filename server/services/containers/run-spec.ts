/**
 * The run form's input and what it means to the engine. The form sends text as typed; this schema says what is
 * acceptable, field by field, with messages the form shows next to the field, and `createBody` turns accepted input
 * into the Docker API's `POST /containers/create` body. Environment entries are an array of "KEY=value" so that the
 * audit log's redaction keeps the names and drops the values. Networking and published ports: ../networks/run-networking.ts.
 */
import type { ContainerCreateOptions } from "dockerode";
import { z } from "zod";
import { applyRunNetworking, runNetworkingFields, runNetworkingProblems } from "../networks/run-networking";
import { TEAM_LABEL } from "../../auth/team-scope";
import { parseSize } from "./sizes";
import { shellWords, ShellWordsError } from "./shell-words";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const MIN_MEMORY = 6 * 1024 * 1024; // Docker's floor: less cannot start a process

export const restartPolicies = ["no", "on-failure", "always", "unless-stopped"] as const;

const lines = (max: number) => z.array(z.string().max(4096)).max(max).default([]);
const optionalText = (max: number) => z.string().trim().max(max).default("");

export const runInputSchema = z
  .object({
    image: z.string().trim().min(1, "Choose an image.").max(512).regex(/^\S*$/, "An image reference has no spaces."),
    name: optionalText(128).refine((v) => v === "" || NAME.test(v), "Use letters, digits, _ . -, starting with a letter or digit (at least 2 characters)."),
    command: optionalText(8192),
    env: lines(500),
    workdir: optionalText(1024).refine((v) => v === "" || v.startsWith("/"), "The working directory is an absolute path (starts with /)."),
    user: optionalText(128).refine((v) => v === "" || /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/.test(v), "Use user, uid, user:group or uid:gid."),
    volumes: lines(100),
    memory: optionalText(32),
    cpus: optionalText(16),
    pidsLimit: optionalText(16),
    restart: z.enum(restartPolicies).default("no"),
    maxRetries: optionalText(8),
    readOnly: z.boolean().default(false),
    tty: z.boolean().default(false),
    interactive: z.boolean().default(false),
    init: z.boolean().default(false),
    privileged: z.boolean().default(false),
    capAdd: lines(64),
    capDrop: lines(64),
    labels: lines(200),
    /** the team the container belongs to (recorded as its `hako.team` label); "" for none */
    team: optionalText(64),
    ...runNetworkingFields,
  })
  .superRefine((input, ctx) => {
    const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    try {
      shellWords(input.command);
    } catch (err) {
      if (err instanceof ShellWordsError) problem(["command"], err.message);
      else throw err;
    }
    input.env.forEach((entry, i) => {
      if (!/^[^=\s]+=/.test(entry)) problem(["env", i], `"${entry.slice(0, 40)}": write each variable as NAME=value, one per line.`);
    });
    input.labels.forEach((entry, i) => {
      if (!/^[^=\s]+=/.test(entry)) problem(["labels", i], `"${entry.slice(0, 40)}": write each label as key=value, one per line.`);
      else if (entry.startsWith(`${TEAM_LABEL}=`)) problem(["labels", i], `${TEAM_LABEL} is set from the Team field, not as a label.`);
    });
    input.volumes.forEach((entry, i) => {
      const message = volumeProblem(entry);
      if (message) problem(["volumes", i], message);
    });
    for (const field of ["capAdd", "capDrop"] as const) {
      input[field].forEach((cap, i) => {
        if (!/^(ALL|(CAP_)?[A-Z_]+)$/i.test(cap)) problem([field, i], `"${cap.slice(0, 40)}" is not a capability name (e.g. NET_ADMIN).`);
      });
    }
    if (input.memory) {
      const bytes = parseSize(input.memory);
      if (bytes === null) problem(["memory"], "Write a size such as 256m or 1g.");
      else if (bytes < MIN_MEMORY) problem(["memory"], "The minimum memory limit is 6m.");
    }
    if (input.cpus && !(/^\d+(\.\d+)?$/.test(input.cpus) && Number(input.cpus) > 0 && Number(input.cpus) <= 1024)) {
      problem(["cpus"], "Write a number of CPUs greater than 0, such as 0.5 or 2.");
    }
    if (input.pidsLimit && !(/^\d+$/.test(input.pidsLimit) && Number(input.pidsLimit) >= 1)) {
      problem(["pidsLimit"], "Write a whole number of processes, at least 1.");
    }
    runNetworkingProblems(input, problem);
    if (input.maxRetries) {
      if (input.restart !== "on-failure") problem(["maxRetries"], "Maximum retries apply only to the on-failure policy.");
      else if (!/^\d+$/.test(input.maxRetries)) problem(["maxRetries"], "Write a whole number of retries.");
    }
  });

export type RunInput = z.input<typeof runInputSchema>;
export type RunSpec = z.output<typeof runInputSchema>;

function volumeProblem(entry: string): string | null {
  const parts = entry.split(":");
  const [source = "", target = "", mode, ...extra] = parts;
  const shown = `"${entry.slice(0, 60)}"`;
  if (parts.length < 2 || extra.length) return `${shown}: write source:/path/in/container, optionally :ro.`;
  if (!(source.startsWith("/") || NAME.test(source))) return `${shown}: the source is a host path (starting with /) or a volume name.`;
  if (!target.startsWith("/")) return `${shown}: the path in the container is absolute (starts with /).`;
  if (mode !== undefined && mode !== "ro" && mode !== "rw") return `${shown}: the mode is ro or rw.`;
  return null;
}

const upper = (cap: string) => cap.trim().toUpperCase();

/** The engine request for accepted input (`runInputSchema`'s output). */
export function createBody(spec: RunSpec): ContainerCreateOptions {
  const cmd = shellWords(spec.command);
  const body: ContainerCreateOptions = {
    Image: spec.image,
    Env: spec.env,
    Labels: Object.fromEntries(spec.labels.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)])),
    Tty: spec.tty,
    OpenStdin: spec.interactive,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      Binds: spec.volumes,
      RestartPolicy: { Name: spec.restart === "no" ? "" : spec.restart, MaximumRetryCount: spec.maxRetries ? Number(spec.maxRetries) : 0 },
      ReadonlyRootfs: spec.readOnly,
      Init: spec.init,
      Privileged: spec.privileged,
      CapAdd: spec.capAdd.map(upper),
      CapDrop: spec.capDrop.map(upper),
    },
  };
  if (spec.team) body.Labels = { ...body.Labels, [TEAM_LABEL]: spec.team };
  if (spec.name) body.name = spec.name;
  if (cmd.length) body.Cmd = cmd;
  if (spec.workdir) body.WorkingDir = spec.workdir;
  if (spec.user) body.User = spec.user;
  const host = body.HostConfig as NonNullable<ContainerCreateOptions["HostConfig"]> & { Init?: boolean };
  if (spec.memory) host.Memory = parseSize(spec.memory) ?? undefined;
  if (spec.cpus) host.NanoCpus = Math.round(Number(spec.cpus) * 1e9);
  if (spec.pidsLimit) host.PidsLimit = Number(spec.pidsLimit);
  applyRunNetworking(body, spec);
  return body;
}
