import type { Metadata } from "next";
import Link from "next/link";
import { BuildForm } from "../../../_components/builds/build-form";

export const metadata: Metadata = { title: "Build image" };

export default function BuildImagePage() {
  return (
    <>
      <p className="text-sm"><Link href="/builds" className="text-zinc-500 hover:underline">Builds</Link></p>
      <h1 className="mb-4 text-xl font-semibold">Build image</h1>
      <BuildForm />
    </>
  );
}
