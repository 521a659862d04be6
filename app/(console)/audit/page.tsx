import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditLog } from "../../_components/audit/audit-log";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Audit</h1>
      <Suspense fallback={<p className="text-sm text-zinc-500">Loading the audit log…</p>}>
        <AuditLog />
      </Suspense>
    </>
  );
}
