/**
 * What a build is started with, as the Build page sends it. Build args are `NAME=value` lines like a container's
 * environment: their values may be secrets, so the audit log keeps only the names (server/audit/redact.ts) and the
 * Build row stores only the names. The Dockerfile's text is audited as its digest.
 */
import { z } from "zod";
import { DOCKERFILE_LIMIT } from "./build-context";

/** `name[:tag]` as `docker build -t` takes it (lower-case repository path, optional registry host and tag). */
const referencePattern = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$/;

export const buildInputSchema = z.object({
  /** an upload from POST /api/builds/context; none builds from the Dockerfile alone */
  contextId: z.string().regex(/^[0-9a-f]{32}$/, "Upload the context again.").nullable().default(null),
  contextName: z.string().max(255).nullable().default(null),
  dockerfile: z.string().max(DOCKERFILE_LIMIT, "The Dockerfile is over 1 MiB.").refine((text) => text.trim() !== "", "Write a Dockerfile (or upload a context that has one)."),
  dockerfilePath: z.string().trim().min(1).max(255)
    .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "The Dockerfile's path must stay inside the context.")
    .default("Dockerfile"),
  tags: z.array(z.string().trim().max(255).regex(referencePattern, "Write a tag as name or name:tag, in lower case (e.g. team/app:1.0).")).max(16).default([]),
  buildArgs: z.array(z.string().max(64 * 1024).regex(/^[A-Za-z_][A-Za-z0-9_]*=/, "One NAME=value per line.")).max(128).default([]),
  target: z.string().trim().max(128).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "A stage name: letters, digits, _ . -").or(z.literal("")).default(""),
  noCache: z.boolean().default(false),
});

export type BuildInput = z.input<typeof buildInputSchema>;
export type ParsedBuildInput = z.output<typeof buildInputSchema>;

export function buildArgsOf(lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.map((line) => {
    const eq = line.indexOf("=");
    return [line.slice(0, eq), line.slice(eq + 1)];
  }));
}
