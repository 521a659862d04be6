/**
 * The OCI `process` of an exec, made as dockerd makes it: the container's own process (from its bundle's config.json:
 * rlimits, no_new_privs, capabilities, user) with the exec's command, tty, working dir and environment, and its user
 * when one is given.
 *
 * - env: Docker's daemon environment (PATH, HOSTNAME, TERM=xterm when the exec has a tty) overridden by the container's
 *   Env, then by the exec's; HOME of the exec's user when nothing set it (what runc does).
 * - user: `-u` resolved against the container's /etc/passwd and /etc/group; else the container's user.
 * - capabilities: the container's set (`--privileged`: all the engine holds); a non-root user gets only the bounding
 *   set, as a container's does (oci/spec.ts).
 * - cwd: the exec's WorkingDir, else the container's, else "/"; it must exist (it is not made).
 * The seccomp filter is not part of the process: hako-shim reads the container's from config.json (exec-manager.ts).
 */
import type { OciSpec } from "../oci/spec.js";
import type { ContainerRecord } from "./container.js";
import { containerEnv } from "./env.js";
import { replaceOrAppendEnv } from "./create.js";
import type { ExecConfig } from "./exec.js";
import type { ExecUser } from "./user.js";

export type OciProcess = OciSpec["process"];

export interface ExecProcessInput {
  container: ContainerRecord;
  /** `process` of the container's config.json */
  containerProcess: OciProcess;
  config: ExecConfig;
  /** the exec's user resolved in the container's root (`config.user`, else the container's User) */
  user: ExecUser;
  /** capabilities the engine holds: what `--privileged` grants */
  engineCapabilities: string[];
}

export function execProcess(input: ExecProcessInput): OciProcess {
  const { container, containerProcess: base, config, user } = input;
  const env = replaceOrAppendEnv(containerEnv({ ...container.config, Tty: config.tty }, user.home), config.env);
  const processUser = config.user === "" ? base.user
    : { uid: user.uid, gid: user.gid, ...(user.additionalGids.length > 0 ? { additionalGids: user.additionalGids } : {}) };
  const bounding = config.privileged ? [...input.engineCapabilities] : [...base.capabilities.bounding];
  const root = processUser.uid === 0;
  return {
    ...base,
    terminal: config.tty,
    user: processUser,
    args: config.cmd,
    env,
    cwd: config.workingDir || container.config.WorkingDir || "/",
    capabilities: { bounding, effective: root ? bounding : [], permitted: root ? bounding : [] },
  };
}
