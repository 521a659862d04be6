"use client";
/**
 * A modal confirmation for a disruptive action, naming what it acts on ("Stop container web-1?"). The native dialog
 * element gives focus trapping, Escape to cancel and the dialog role for free.
 */
import { useEffect, useRef, type ReactNode } from "react";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  confirmLabel: string;
  danger?: boolean;
  children?: ReactNode;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog({ open, title, confirmLabel, danger, children, onConfirm, onCancel }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      className="m-auto w-full max-w-md rounded-lg border border-zinc-200 bg-white p-6 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id="confirm-title" className="text-lg font-semibold">
        {title}
      </h2>
      {children && <div className="mt-3 text-sm text-zinc-600 dark:text-zinc-300">{children}</div>}
      <div className="mt-6 flex justify-end gap-2">
        <button type="button" onClick={onCancel} className={buttonClass("secondary")}>
          Cancel
        </button>
        <button type="button" onClick={onConfirm} className={buttonClass(danger ? "danger" : "primary")} autoFocus>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

export type ButtonKind = "primary" | "secondary" | "danger";

export function buttonClass(kind: ButtonKind): string {
  const base = "inline-flex items-center gap-1 rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50";
  switch (kind) {
    case "primary":
      return `${base} bg-zinc-900 text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300`;
    case "danger":
      return `${base} bg-red-700 text-white hover:bg-red-600`;
    case "secondary":
      return `${base} border border-zinc-300 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800`;
  }
}
