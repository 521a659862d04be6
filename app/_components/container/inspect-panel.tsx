/** The Inspect tab: the engine's inspect document as pretty JSON (environment values redacted for viewers). */
export function InspectPanel({ inspect, envVisible }: { inspect: unknown; envVisible: boolean }) {
  return (
    <div className="flex flex-col gap-2">
      {!envVisible && <p className="text-sm text-zinc-500">Environment values are redacted: your role may not read them (container.env.read).</p>}
      <pre aria-label="Inspect document" className="max-h-[70vh] overflow-auto rounded-lg bg-zinc-950 p-4 font-mono text-xs text-zinc-200">
        {JSON.stringify(inspect, null, 2)}
      </pre>
    </div>
  );
}
