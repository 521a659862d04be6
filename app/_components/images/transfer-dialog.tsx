"use client";
/**
 * The Pull and Push dialogs. The reference is the chosen registry's address and a repository:tag, so the credentials
 * the server uses are those stored for that registry. A push of a local image under another name tags it first (as
 * `docker tag` + `docker push` would). The transfer runs on the server: closing the dialog or leaving the page does not
 * stop it, and the Images page lists it with its outcome.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import type { Transfer } from "@/server/services/images/transfers";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { TextField } from "../text-field";
import { TransferProgress } from "./transfer-progress";

const HUB = "docker.io";

export function referenceFor(registry: string, path: string): string {
  const trimmed = path.trim().replace(/^\/+/, "");
  return registry === HUB ? trimmed : `${registry}/${trimmed}`;
}

interface TransferDialogProps {
  kind: "pull" | "push";
  /** push: the local image to push (ID or reference) */
  source?: string;
  /** a suggested repository:tag */
  suggestion?: string;
  open: boolean;
  onClose(): void;
}

export function TransferDialog({ kind, source, suggestion = "", open, onClose }: TransferDialogProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ref = useRef<HTMLDialogElement>(null);
  const selectId = useId();
  const registries = useQuery(trpc.registries.list.queryOptions(undefined, { enabled: open }));
  const [registry, setRegistry] = useState<string>("");
  const [path, setPath] = useState(suggestion);
  const [task, setTask] = useState<Transfer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tag = useMutation(trpc.images.tag.mutationOptions());
  const pull = useMutation(trpc.images.pull.mutationOptions());
  const push = useMutation(trpc.images.push.mutationOptions());
  const permission = usePermission(kind === "pull" ? "image.pull" : "image.push");

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const chosen = registry || registries.data?.[0]?.address || HUB;
  const busy = tag.isPending || pull.isPending || push.isPending;
  const title = kind === "pull" ? "Pull an image" : `Push ${source ?? "image"}`;

  async function start() {
    setError(null);
    const reference = referenceFor(chosen, path);
    try {
      if (kind === "push" && source && source !== reference) await tag.mutateAsync({ id: source, reference });
      const started = kind === "pull" ? await pull.mutateAsync({ reference }) : await push.mutateAsync({ reference });
      setTask(started);
      void queryClient.invalidateQueries({ queryKey: trpc.images.transfers.queryKey() });
    } catch (err) {
      setError((err as Error).message);
    }
  }

  function close() {
    setTask(null);
    setError(null);
    onClose();
  }

  return (
    <dialog
      ref={ref}
      aria-label={title}
      onCancel={(event) => { event.preventDefault(); close(); }}
      className="m-auto w-full max-w-2xl rounded-lg border border-zinc-200 bg-white p-6 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 className="text-lg font-semibold">{title}</h2>
      {task ? (
        <div className="mt-4">
          <TransferProgress id={task.id} initial={task} />
          <p className="mt-3 text-xs text-zinc-500">You can close this dialog: the {kind} continues on the server, and the Images page shows its outcome.</p>
        </div>
      ) : (
        <form className="mt-4 flex flex-col gap-3" onSubmit={(e) => { e.preventDefault(); void start(); }}>
          <div className="flex flex-col gap-1">
            <label htmlFor={selectId} className="text-sm font-medium">Registry</label>
            <select
              id={selectId}
              value={chosen}
              onChange={(e) => setRegistry(e.target.value)}
              className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
            >
              {registries.data?.map((r) => (
                <option key={r.id} value={r.address}>{r.address}{r.username ? ` (as ${r.username})` : " (anonymous)"}</option>
              ))}
              {!registries.data?.some((r) => r.address === HUB) && <option value={HUB}>docker.io (anonymous)</option>}
            </select>
          </div>
          <TextField label="Repository and tag" value={path} onChange={(e) => setPath(e.target.value)} placeholder="team/app:v1" required />
          <p className="text-xs text-zinc-500">Reference: <span className="font-mono">{referenceFor(chosen, path) || "—"}</span></p>
          {error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">{error}</p>}
          <div className="mt-2 flex justify-end gap-2">
            <button type="button" className={buttonClass("secondary")} onClick={close}>Cancel</button>
            <button type="submit" className={buttonClass("primary")} disabled={busy || registries.data === undefined || !path.trim() || !permission.allowed} title={permission.reason}>
              {kind === "pull" ? "Pull" : "Push"}
            </button>
          </div>
        </form>
      )}
      {task && (
        <div className="mt-4 flex justify-end">
          <button type="button" className={buttonClass("secondary")} onClick={close}>Close</button>
        </div>
      )}
    </dialog>
  );
}
