/**
 * The environment a container's init gets: Docker's CreateDaemonEnvironment (PATH default, HOSTNAME, TERM for a tty)
 * overridden by the container's own Env (image env + user env merged at create), plus HOME from the user's passwd entry
 * when nothing set it (what runc does).
 */
import { DEFAULT_PATH_ENV } from "../oci/spec.js";
import type { ContainerConfig } from "./container.js";
import { replaceOrAppendEnv } from "./create.js";

export function containerEnv(config: ContainerConfig, home: string): string[] {
  const base = [DEFAULT_PATH_ENV, `HOSTNAME=${config.Hostname}`];
  if (config.Tty) base.push("TERM=xterm");
  const env = replaceOrAppendEnv(base, config.Env);
  if (!env.some((e) => e.startsWith("HOME="))) env.push(`HOME=${home || "/"}`);
  return env;
}

/** /etc/hosts of a container with only a loopback network (Docker's default entries). */
export function hostsFile(hostname: string): string {
  return [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
    `127.0.1.1\t${hostname}`,
    "",
  ].join("\n");
}

/**
 * /etc/resolv.conf of a container: the host's, without nameservers on loopback (they would point into the container
 * itself); Google's public resolvers when none is left, as Docker does.
 */
export function resolvConf(hostText: string): string {
  const lines = hostText.split("\n").map((l) => l.trimEnd())
    .filter((l) => l !== "" && !/^\s*nameserver\s+(127\.|::1\b)/.test(l));
  if (!lines.some((l) => /^\s*nameserver\s/.test(l))) lines.push("nameserver 8.8.8.8", "nameserver 8.8.4.4");
  return `${lines.join("\n")}\n`;
}
