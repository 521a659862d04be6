/**
 * What an engine event says in the audit log: the action named as the console names it (`container.create`,
 * `container.exec`, `image.push` …), its target, the team (the object's `hako.team` label, when its event carries its
 * labels) and the parameters the event tells (exit code, signal, exec command). Events that are not actions on the
 * engine (attach, resize, health status, mount…) are not audited.
 */
import { teamOf } from "../../auth/team-scope";
import type { AuditEntry } from "../../audit/record";
import type { EngineEvent } from "../engine/engine-events";

/** The audit fields an event fills; actor and source are the watcher's. */
export type EventAudit = Required<Pick<AuditEntry, "action" | "target" | "params" | "message">> & { team: string | null };

const containerActions: Record<string, string> = {
  create: "container.create",
  start: "container.start",
  restart: "container.restart",
  die: "container.die",
  kill: "container.kill",
  stop: "container.stop",
  destroy: "container.remove",
  rename: "container.rename",
  pause: "container.pause",
  unpause: "container.unpause",
  exec_create: "container.exec",
  exec_start: "container.exec",
  exec_die: "container.exec",
};

const imageActions: Record<string, string> = {
  pull: "image.pull",
  push: "image.push",
  tag: "image.tag",
  untag: "image.untag",
  delete: "image.remove",
  load: "image.load",
  import: "image.import",
  build: "image.build",
};

const volumeActions: Record<string, string> = { create: "volume.create", destroy: "volume.remove" };

const networkActions: Record<string, string> = {
  create: "network.create",
  destroy: "network.remove",
  connect: "network.connect",
  disconnect: "network.disconnect",
};

const byType: Record<string, Record<string, string>> = {
  container: containerActions,
  image: imageActions,
  volume: volumeActions,
  network: networkActions,
};

/** `exec_create: sh -c ls` → verb `exec_create`, detail `sh -c ls` (Docker appends the command to exec actions). */
function splitAction(action: string): { verb: string; detail: string | null } {
  const colon = action.indexOf(": ");
  // dockerd (and hakod) join entrypoint and arguments with a space, leaving one at the end of an argument-less command.
  return colon < 0 ? { verb: action, detail: null } : { verb: action.slice(0, colon), detail: action.slice(colon + 2).trim() };
}

export function eventAudit(event: EngineEvent): EventAudit | null {
  const { verb, detail } = splitAction(event.action);
  const action = byType[event.type]?.[verb];
  if (!action) return null;
  const a = event.attributes;
  const team = teamOf(a);
  const base = { action, team, message: null as string | null, params: { event: `${event.type} ${verb}`, eventTime: event.cursor } as Record<string, unknown> };
  switch (event.type) {
    case "container": {
      const target = { kind: "container", id: event.actorId, name: a.name ?? null };
      if (verb === "create") base.params.image = a.image;
      if (verb === "die") {
        base.params.exitCode = numberOrNull(a.exitCode);
        base.message = `exited with code ${a.exitCode ?? "unknown"}`;
      }
      if (verb === "kill") base.params.signal = a.signal;
      if (verb === "rename") base.params.oldName = a.oldName;
      if (verb.startsWith("exec_")) {
        base.params.phase = { exec_create: "create", exec_start: "start", exec_die: "end" }[verb];
        base.params.execId = a.execID;
        if (detail) base.params.command = detail;
        if (verb === "exec_die") {
          base.params.exitCode = numberOrNull(a.exitCode);
          base.message = `exec ended with exit code ${a.exitCode ?? "unknown"}`;
        }
      }
      return { ...base, target };
    }
    case "image":
      return { ...base, target: { kind: "image", id: event.actorId, name: a.name ?? null } };
    case "volume":
      return { ...base, target: { kind: "volume", id: event.actorId, name: event.actorId } };
    default: // network
      if (a.container) base.params.container = a.container;
      return { ...base, target: { kind: "network", id: event.actorId, name: a.name ?? null } };
  }
}

function numberOrNull(value: string | undefined): number | null {
  return value !== undefined && /^-?\d+$/.test(value) ? Number(value) : null;
}
