import type { Metadata } from "next";
import { NetworkDetail } from "../../../_components/networks/network-detail";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const id = decodeURIComponent((await params).id);
  return { title: `Network ${/^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id}` };
}

export default async function NetworkPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <NetworkDetail id={decodeURIComponent(id)} />;
}
