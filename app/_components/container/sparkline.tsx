/**
 * A small area chart of recent values, drawn as SVG: the line, a filled area under it, and the latest value in words
 * (the chart itself is decorative for screen readers; its label carries the numbers).
 */

interface SparklineProps {
  label: string;
  values: number[];
  /** the top of the scale; defaults to the largest value seen */
  max?: number;
  format(value: number): string;
  /** exact value for the tooltip */
  exact?(value: number): string;
  capacity: number;
  colour: string;
}

const WIDTH = 300;
const HEIGHT = 64;

export function Sparkline({ label, values, max, format, exact, capacity, colour }: SparklineProps) {
  const latest = values.at(-1);
  const top = Math.max(max ?? 0, ...values, 1e-9);
  const step = WIDTH / Math.max(1, capacity - 1);
  const offset = (capacity - values.length) * step;
  const points = values.map((v, i) => `${(offset + i * step).toFixed(1)},${(HEIGHT - (v / top) * (HEIGHT - 2) - 1).toFixed(1)}`);
  const line = points.join(" ");
  const area = points.length ? `${offset.toFixed(1)},${HEIGHT} ${line} ${WIDTH},${HEIGHT}` : "";

  return (
    <figure className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <figcaption className="flex items-baseline justify-between text-sm">
        <span className="text-zinc-500 dark:text-zinc-400">{label}</span>
        <span className="text-lg font-semibold tabular-nums" title={latest !== undefined && exact ? exact(latest) : undefined} aria-label={`${label} now`}>
          {latest !== undefined ? format(latest) : "—"}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" className="mt-2 h-16 w-full" aria-hidden="true">
        <line x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} stroke="currentColor" strokeOpacity="0.15" />
        {area && <polygon points={area} fill={colour} fillOpacity="0.15" />}
        {line && <polyline points={line} fill="none" stroke={colour} strokeWidth="1.5" vectorEffect="non-scaling-stroke" />}
      </svg>
      <p className="mt-1 text-xs text-zinc-500 tabular-nums">scale 0 – {format(top)}</p>
    </figure>
  );
}
