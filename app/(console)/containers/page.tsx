import type { Metadata } from "next";
import { ContainersTable } from "../../_components/containers-table";

export const metadata: Metadata = { title: "Containers" };

export default function ContainersPage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Containers</h1>
      <ContainersTable />
    </>
  );
}
