/** A failed list load, said where the list would be. The engine banner explains an unreachable engine. */
export function QueryError({ what, message }: { what: string; message: string }) {
  return (
    <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
      Could not load {what}: {message}
    </p>
  );
}
