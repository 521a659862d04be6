"use client";
/** The Dockerfile as text with line numbers beside it (a textarea: the browser's own editing, undo and accessibility). */
import { useId, useRef, type UIEvent } from "react";

export function DockerfileEditor({ value, onChange, error, hint }: { value: string; onChange: (text: string) => void; error?: string | undefined; hint?: string }) {
  const id = useId();
  const gutter = useRef<HTMLDivElement>(null);
  const count = Math.max(1, value.split("\n").length);
  const sync = (event: UIEvent<HTMLTextAreaElement>) => {
    if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
  };
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">Dockerfile</label>
      <div className="flex overflow-hidden rounded-md border border-zinc-300 bg-white focus-within:ring-2 focus-within:ring-zinc-400 dark:border-zinc-700 dark:bg-zinc-900">
        <div ref={gutter} aria-hidden="true" className="h-72 select-none overflow-hidden border-r border-zinc-200 bg-zinc-50 px-2 py-2 text-right font-mono text-xs leading-5 text-zinc-400 dark:border-zinc-800 dark:bg-zinc-950">
          {Array.from({ length: count }, (_, i) => <div key={i}>{i + 1}</div>)}
        </div>
        <textarea id={id} value={value} onChange={(e) => onChange(e.target.value)} onScroll={sync} spellCheck={false} wrap="off"
          aria-invalid={error ? true : undefined} aria-describedby={[hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined}
          className="h-72 flex-1 resize-none bg-transparent px-3 py-2 font-mono text-xs leading-5 outline-none" placeholder={"FROM busybox:1.38.0-glibc\nRUN echo hello > /hello"} />
      </div>
      {hint && <p id={`${id}-hint`} className="text-xs text-zinc-500">{hint}</p>}
      {error && <p id={`${id}-error`} className="text-sm text-red-700 dark:text-red-400">{error}</p>}
    </div>
  );
}
