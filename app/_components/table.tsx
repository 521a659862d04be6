/** The list pages' table: real table semantics (caption, column headers) so screen readers and getByRole find them. */
import type { ReactNode } from "react";

/**
 * `busy`: the rows shown are the previous query's while the next one loads (a filter just changed); they are dimmed
 * and the table is `aria-busy`, so nobody reads old rows as the answer to the new filter.
 */
export function Table({ caption, columns, children, busy = false }: { caption: string; columns: string[]; children: ReactNode; busy?: boolean }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className={`w-full text-left text-sm ${busy ? "opacity-50" : ""}`} aria-busy={busy || undefined}>
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className="px-4 py-2 font-medium">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">{children}</tbody>
      </table>
    </div>
  );
}

export function Cell({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <td className={`px-4 py-2 align-top ${className}`}>{children}</td>;
}
