import type { Metadata } from "next";
import Link from "next/link";
import { RunForm } from "../../../_components/run-form/run-form";

export const metadata: Metadata = { title: "Run container" };

export default function RunContainerPage() {
  return (
    <>
      <p className="text-sm"><Link href="/containers" className="text-zinc-500 hover:underline">Containers</Link></p>
      <h1 className="mb-4 text-xl font-semibold">Run container</h1>
      <RunForm />
    </>
  );
}
