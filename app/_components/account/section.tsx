/** A titled part of the Account page, labelled by its heading so that it is a findable region. */
import { useId, type ReactNode } from "react";

export function Section({ title, intro, children }: { title: string; intro?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="mb-8 rounded-lg border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 id={id} className="text-base font-semibold">{title}</h2>
      {intro && <div className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{intro}</div>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

export function Status({ children }: { children: ReactNode }) {
  return <p role="status" className="mt-3 text-sm text-green-800 dark:text-green-300">{children}</p>;
}

export function ErrorText({ message }: { message: string | undefined }) {
  if (!message) return null;
  return <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">{message}</p>;
}
