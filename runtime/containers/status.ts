/**
 * The human status line of `docker ps` ("Up 5 seconds", "Exited (3) 2 seconds ago", "Created"), computed exactly as
 * Docker does (container.State.String and go-units HumanDuration).
 */
import { parseTime, type ContainerState } from "./container.js";

/** go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

export function statusString(state: ContainerState, now: number = Date.now()): string {
  const started = parseTime(state.startedAt);
  const finished = parseTime(state.finishedAt);
  switch (state.status) {
    case "running":
      return `Up ${humanDuration(now - started)}`;
    case "paused":
      return `Up ${humanDuration(now - started)} (Paused)`;
    case "restarting":
      return `Restarting (${state.exitCode}) ${humanDuration(now - finished)} ago`;
    case "removing":
      return "Removal In Progress";
    case "dead":
      return "Dead";
    default:
      break;
  }
  if (Number.isNaN(started)) return "Created";
  if (Number.isNaN(finished)) return "";
  return `Exited (${state.exitCode}) ${humanDuration(now - finished)} ago`;
}
