/**
 * Where the engine listens. HAKO_HOST uses DOCKER_HOST's syntax: `unix:///run/hako/hako.sock` (the default) or
 * `tcp://host:port`. The console reaches any Docker-API engine this way, hakod or a stock Docker.
 */
import type { DockerOptions } from "dockerode";

export const DEFAULT_ENGINE_HOST = "unix:///run/hako/hako.sock";

export interface EngineEndpoint {
  /** as configured, for messages ("is hakod running at …?") */
  url: string;
  options: DockerOptions;
}

export function engineEndpoint(host = process.env.HAKO_HOST || DEFAULT_ENGINE_HOST): EngineEndpoint {
  if (host.startsWith("unix://")) return { url: host, options: { socketPath: host.slice("unix://".length) } };
  if (host.startsWith("/")) return { url: `unix://${host}`, options: { socketPath: host } };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (tcp) return { url: host, options: { protocol: "http", host: tcp[1], port: Number(tcp[2]) } };
  throw new Error(`HAKO_HOST must be unix:///path.sock or tcp://host:port, not ${JSON.stringify(host)}`);
}
