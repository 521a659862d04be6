/** A humanised time with the exact one on hover (and for screen readers, in the time element's dateTime). */
import { exactTime, relativeTime } from "../_lib/format";

export function TimeAgo({ time }: { time: Date }) {
  return (
    <time dateTime={time.toISOString()} title={exactTime(time)} className="tabular-nums">
      {relativeTime(time)}
    </time>
  );
}
