/**
 * The build history as the pages read it: Build rows with their JSON columns parsed. A row still "running" that no
 * process is running (the console restarted mid-build) is shown, and recorded, as failed.
 */
import type { Db } from "../../db";
import type { Build } from "../../db/generated/sqlite/client";
import { ServiceError } from "../errors";
import type { BuildFailure, BuildStep } from "./build-log";
import { runningBuilds } from "./running-builds";

export type BuildStatus = "running" | "succeeded" | "failed";

export interface BuildSummary {
  id: string;
  userName: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  status: BuildStatus;
  dockerfileDigest: string;
  contextName: string | null;
  contextSize: number;
  tags: string[];
  buildArgNames: string[];
  target: string | null;
  noCache: boolean;
  imageId: string | null;
  error: string | null;
  failedStep: string | null;
  exitCode: number | null;
}

export interface BuildDetail extends BuildSummary {
  dockerfile: string;
  dockerfilePath: string;
}

const ORPHANED = "The console stopped while this build ran; its outcome is unknown. Start it again.";

function parsed<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function summaryOf(row: Build): BuildSummary {
  return {
    id: row.id,
    userName: row.userName,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    status: row.status as BuildStatus,
    dockerfileDigest: row.dockerfileDigest,
    contextName: row.contextName,
    contextSize: row.contextSize,
    tags: parsed<string[]>(row.tags, []),
    buildArgNames: parsed<string[]>(row.buildArgNames, []),
    target: row.target,
    noCache: row.noCache,
    imageId: row.imageId,
    error: row.error,
    failedStep: row.failedStep,
    exitCode: row.exitCode,
  };
}

export function stepsOf(row: Build): BuildStep[] {
  return parsed<BuildStep[]>(row.steps, []);
}

export function failureOf(row: Build): BuildFailure | null {
  if (row.status !== "failed" || !row.error) return null;
  const failing = stepsOf(row).at(-1);
  return { message: row.error, step: row.failedStep, exitCode: row.exitCode, output: row.failedStep && failing ? failing.tail : [] };
}

/** Marks a row failed when no build is running for it here (see the module comment). */
async function settled(db: Db, row: Build): Promise<Build> {
  if (row.status !== "running" || runningBuilds().has(row.id)) return row;
  return db.build.update({ where: { id: row.id }, data: { status: "failed", error: ORPHANED, finishedAt: row.finishedAt ?? new Date() } });
}

export async function listBuilds(db: Db, take = 200): Promise<BuildSummary[]> {
  const rows = await db.build.findMany({ orderBy: { startedAt: "desc" }, take, omit: { log: true, dockerfile: true } });
  const settledRows = await Promise.all(rows.map((row) => settled(db, { ...row, log: "", dockerfile: "" })));
  return settledRows.map(summaryOf);
}

export async function buildRow(db: Db, id: string): Promise<Build> {
  const row = await db.build.findUnique({ where: { id } });
  if (!row) throw new ServiceError("NotFound", `No build ${id}.`);
  return settled(db, row);
}

export async function getBuild(db: Db, id: string): Promise<BuildDetail> {
  const row = await buildRow(db, id);
  return { ...summaryOf(row), dockerfile: row.dockerfile, dockerfilePath: row.dockerfilePath };
}
