import type { Metadata } from "next";
import { ContainersHeader } from "../../_components/containers-header";
import { ContainersTable } from "../../_components/containers-table";

export const metadata: Metadata = { title: "Containers" };

export default async function ContainersPage({ searchParams }: { searchParams: Promise<{ removed?: string }> }) {
  const { removed } = await searchParams;
  return (
    <>
      <ContainersHeader removed={removed} />
      <ContainersTable />
    </>
  );
}
