"use client";
/**
 * The container's lifecycle buttons. Disruptive ones (stop, restart, kill, pause, remove) ask first, naming the
 * container; the outcome (or the engine's error) is said right here, e.g. "Stopped web-1: exited with code 137."
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { killSignals, type ContainerAction } from "@/server/services/containers/action-names";
import type { ActionResult } from "@/server/services/containers/container-actions";
import type { ContainerOverview } from "@/server/services/containers/container-overview";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass, ConfirmDialog } from "../confirm-dialog";

const labels: Record<ContainerAction, { button: string; done: string; confirm?: string }> = {
  start: { button: "Start", done: "Started" },
  stop: { button: "Stop", done: "Stopped", confirm: "The main process gets its stop signal, then SIGKILL after the timeout." },
  restart: { button: "Restart", done: "Restarted", confirm: "The container is stopped, then started again." },
  kill: { button: "Kill", done: "Sent the signal to", confirm: "The signal goes to the main process at once." },
  pause: { button: "Pause", done: "Paused", confirm: "Every process in the container is frozen until it is unpaused." },
  unpause: { button: "Unpause", done: "Unpaused" },
  remove: { button: "Remove", done: "Removed", confirm: "The container and its writable layer are deleted. Its log goes with it." },
};

function actionsFor(state: ContainerOverview["state"]): ContainerAction[] {
  switch (state) {
    case "running": return ["stop", "restart", "kill", "pause", "remove"];
    case "paused": return ["unpause", "kill", "remove"];
    case "restarting": return ["stop", "kill", "remove"];
    default: return ["start", "remove"];
  }
}

type Outcome = { ok: true; text: string } | { ok: false; text: string };

/** `team`: the container's team (its `hako.team` label), whose role decides which buttons are enabled. */
export function ContainerActions({ container, team }: { container: ContainerOverview; team: string | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [pending, setPending] = useState<ContainerAction | null>(null);
  const [signal, setSignal] = useState<(typeof killSignals)[number]>("SIGKILL");
  const [force, setForce] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const scope = { team };
  const permissions = {
    start: usePermission("container.start", scope), stop: usePermission("container.stop", scope), restart: usePermission("container.restart", scope),
    kill: usePermission("container.kill", scope), pause: usePermission("container.pause", scope), unpause: usePermission("container.unpause", scope),
    remove: usePermission("container.remove", scope),
  };

  const onSettled = () => queryClient.invalidateQueries({ queryKey: trpc.containers.pathKey() });
  const onError = (error: { message: string }) => setOutcome({ ok: false, text: error.message });
  const onSuccess = (result: ActionResult) => {
    if (result.action === "remove") return router.push(`/containers?removed=${encodeURIComponent(container.name)}`);
    setOutcome({ ok: true, text: describe(container.name, result) });
  };
  const options = { onSuccess, onError, onSettled };
  const mutations = {
    start: useMutation(trpc.containers.start.mutationOptions(options)),
    stop: useMutation(trpc.containers.stop.mutationOptions(options)),
    restart: useMutation(trpc.containers.restart.mutationOptions(options)),
    kill: useMutation(trpc.containers.kill.mutationOptions(options)),
    pause: useMutation(trpc.containers.pause.mutationOptions(options)),
    unpause: useMutation(trpc.containers.unpause.mutationOptions(options)),
    remove: useMutation(trpc.containers.remove.mutationOptions(options)),
  };
  const busy = Object.values(mutations).some((m) => m.isPending);

  function perform(action: ContainerAction) {
    setPending(null);
    setOutcome(null);
    if (action === "kill") mutations.kill.mutate({ id: container.id, signal });
    else if (action === "remove") mutations.remove.mutate({ id: container.id, force: force || container.running });
    else mutations[action].mutate({ id: container.id });
  }

  return (
    <div className="flex flex-col items-end gap-2">
      <div className="flex flex-wrap justify-end gap-2" role="group" aria-label="Container actions">
        {actionsFor(container.state).map((action) => (
          <button
            key={action}
            type="button"
            disabled={busy || !permissions[action].allowed}
            title={permissions[action].reason}
            onClick={() => (labels[action].confirm ? setPending(action) : perform(action))}
            className={buttonClass(action === "remove" || action === "kill" ? "danger" : "secondary")}
          >
            {mutations[action].isPending ? `${labels[action].button}…` : labels[action].button}
          </button>
        ))}
      </div>
      {outcome && (
        <p role={outcome.ok ? "status" : "alert"} className={`text-sm ${outcome.ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"}`}>
          {outcome.text}
        </p>
      )}
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `${labels[pending].button} container ${container.name}?` : ""}
        confirmLabel={pending ? labels[pending].button : ""}
        danger={pending === "remove" || pending === "kill"}
        onCancel={() => setPending(null)}
        onConfirm={() => pending && perform(pending)}
      >
        {pending && <p>{labels[pending].confirm}</p>}
        {pending === "kill" && (
          <label className="mt-3 flex items-center gap-2">
            Signal
            <select value={signal} onChange={(e) => setSignal(e.target.value as typeof signal)} className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900">
              {killSignals.map((s) => <option key={s}>{s}</option>)}
            </select>
          </label>
        )}
        {pending === "remove" && container.running && <p className="mt-2 font-medium">It is running: it will be killed first.</p>}
        {pending === "remove" && !container.running && (
          <label className="mt-3 flex items-center gap-2">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Force
          </label>
        )}
      </ConfirmDialog>
    </div>
  );
}

function describe(name: string, result: ActionResult): string {
  const done = labels[result.action].done;
  if (result.state === null) return `${done} ${name}; it is gone (removed automatically).`;
  if (result.exitCode !== null) return `${done} ${name}: exited with code ${result.exitCode}.`;
  return `${done} ${name}: now ${result.state}.`;
}
