import type { Metadata } from "next";
import { NetworksPage } from "../../_components/networks/networks-page";

export const metadata: Metadata = { title: "Networks" };

export default async function Page({ searchParams }: { searchParams: Promise<{ removed?: string }> }) {
  const { removed } = await searchParams;
  return <NetworksPage removed={removed} />;
}
