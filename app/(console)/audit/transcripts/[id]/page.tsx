import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { TranscriptPlayer } from "../../../../_components/audit/transcript-player";

export const metadata: Metadata = { title: "Terminal transcript" };

export default async function TranscriptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/audit" className="text-zinc-500 hover:underline">← Audit</Link>
      </p>
      <h1 className="mb-4 text-xl font-semibold">Terminal transcript</h1>
      <Suspense fallback={<p className="text-sm text-zinc-500">Loading the transcript…</p>}>
        <TranscriptPlayer id={decodeURIComponent(id)} />
      </Suspense>
    </>
  );
}
