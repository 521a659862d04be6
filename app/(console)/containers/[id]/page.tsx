import type { Metadata } from "next";
import { Suspense } from "react";
import { ContainerDetail } from "../../../_components/container/container-detail";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: decodeURIComponent((await params).id) };
}

export default async function ContainerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <ContainerDetail id={decodeURIComponent(id)} />
    </Suspense>
  );
}
