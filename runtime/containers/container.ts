/**
 * A container as hakod records it: the Docker configuration it was created with (merged with the image's defaults),
 * its host configuration, and its state.
 *
 * Terms:
 * - **id**: 64 hex digits, random; **name**: unique, stored without Docker's leading "/" (shown with it).
 * - **config**: Docker's `Config` (Image, Cmd, Entrypoint, Env, …) after the image's defaults were merged in at create;
 *   **hostConfig**: Docker's `HostConfig` as the client sent it, with defaults filled in. Fields hakod does not act on
 *   yet are kept verbatim so that inspect shows them.
 * - **path/args**: the command init runs (entrypoint + cmd), fixed at create like Docker.
 *
 * Lifecycle (state.status): created → running → exited → (start again) running … ; removal deletes the record.
 * A running container may be paused (its cgroup frozen) and unpaused; a paused container still counts as running.
 * A container recorded "running" whose task cannot be found after a restart of hakod becomes "exited" with an error.
 */

import type { ContainerMount } from "../volumes/mount-spec.js";
import type { HealthState } from "./health.js";

export type ContainerStatus = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

/** Go's zero time as Docker prints it for StartedAt/FinishedAt of a container that never started/finished. */
export const ZERO_TIME = "0001-01-01T00:00:00Z";

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
  /** the health check's state while the container has one (health.ts); kept across exits */
  health?: HealthState;
}

/** Docker's container `Config` (the parts hakod reads; everything else the client sent is kept too). */
export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd: string[] | null;
  Image: string;
  WorkingDir: string;
  Entrypoint: string[] | null;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  [key: string]: unknown;
}

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

/** Docker's `HostConfig` (the parts hakod reads; the rest is kept verbatim). */
export interface HostConfig {
  Memory: number;
  MemorySwap: number;
  MemoryReservation: number;
  NanoCpus: number;
  CpuShares: number;
  CpuPeriod: number;
  CpuQuota: number;
  PidsLimit: number | null;
  AutoRemove: boolean;
  Privileged: boolean;
  ReadonlyRootfs: boolean;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  Ulimits: Ulimit[] | null;
  ShmSize: number;
  NetworkMode: string;
  [key: string]: unknown;
}

export interface ContainerRecord {
  id: string;
  name: string;
  /** RFC 3339 with nanoseconds */
  created: string;
  path: string;
  args: string[];
  /** "sha256:<hex>", the image ID resolved at create */
  imageId: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  state: ContainerState;
  restartCount: number;
  /** volumes, binds and tmpfs mounts, settled at create (volumes/mount-spec.ts) */
  mounts?: ContainerMount[];
  /** stopped or killed by hand since its last start: restart policies respect that (restart-policy.ts) */
  manuallyStopped?: boolean;
  /** the create request's NetworkingConfig, until the network hooks have read it at create (network/hooks.ts) */
  networkingConfig?: unknown;
}

export function initialState(): ContainerState {
  return {
    status: "created",
    pid: 0,
    exitCode: 0,
    error: "",
    oomKilled: false,
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
  };
}

export function isRunning(c: ContainerRecord): boolean {
  return c.state.status === "running" || c.state.status === "paused" || c.state.status === "restarting";
}

/** Time as Docker prints it: RFC 3339 with nanoseconds, trailing zeros of the fraction trimmed (Go's RFC3339Nano). */
export function rfc3339Nano(ms: number = Date.now(), extraNs = 0): string {
  const iso = new Date(ms).toISOString(); // 2026-11-28T10:00:00.123Z
  const base = iso.slice(0, 19);
  const frac = (String(ms % 1000).padStart(3, "0") + String(extraNs).padStart(6, "0")).replace(/0+$/, "");
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}

/** Nanoseconds since the epoch → RFC 3339 with nanoseconds. */
export function rfc3339FromNs(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  return rfc3339Nano(ms, Number(ns % 1_000_000n));
}

/** Parses RFC 3339 (with up to nanoseconds); returns ms since the epoch, NaN for the zero time. */
export function parseTime(s: string): number {
  if (!s || s.startsWith("0001-01-01")) return NaN;
  return Date.parse(s);
}
