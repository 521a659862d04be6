"use client";
/** The audit viewer's filter: one form whose fields are the URL's query parameters (shareable, back-button friendly). */
import { auditOutcomes } from "@/server/services/audit/audit-filter";
import { buttonClass } from "../confirm-dialog";

export const filterFields = [
  { name: "actor", label: "Actor", placeholder: "alice, engine-socket" },
  { name: "action", label: "Action", placeholder: "container.create or container." },
  { name: "target", label: "Target", placeholder: "container id or name" },
  { name: "team", label: "Team", placeholder: "team name" },
  { name: "q", label: "Search", placeholder: "any text" },
] as const;

const inputClass = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

export function AuditFilterForm({ values, onApply }: { values: URLSearchParams; onApply: (params: URLSearchParams) => void }) {
  function submit(form: HTMLFormElement) {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      const text = String(value).trim();
      if (!text) continue;
      // datetime-local has no zone: read as the browser's local time, sent as UTC
      params.set(key, key === "from" || key === "to" ? new Date(text).toISOString() : text);
    }
    onApply(params);
  }
  const local = (iso: string | null) => {
    if (!iso) return "";
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? "" : new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  };

  return (
    <form
      aria-label="Filter the audit log"
      className="mb-4 flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
      }}
    >
      {filterFields.map(({ name, label, placeholder }) => (
        <label key={name} className="flex flex-col gap-1 text-xs font-medium">
          {label}
          <input name={name} defaultValue={values.get(name) ?? ""} placeholder={placeholder} className={inputClass} />
        </label>
      ))}
      <label className="flex flex-col gap-1 text-xs font-medium">
        Outcome
        <select name="outcome" defaultValue={values.get("outcome") ?? ""} className={inputClass}>
          <option value="">any</option>
          {auditOutcomes.map((o) => (
            <option key={o} value={o}>{o}</option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium">
        From
        <input type="datetime-local" name="from" defaultValue={local(values.get("from"))} className={inputClass} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium">
        To
        <input type="datetime-local" name="to" defaultValue={local(values.get("to"))} className={inputClass} />
      </label>
      <button type="submit" className={buttonClass("primary")}>Apply</button>
      <button type="button" className={buttonClass("secondary")} onClick={() => onApply(new URLSearchParams())}>
        Clear
      </button>
    </form>
  );
}
