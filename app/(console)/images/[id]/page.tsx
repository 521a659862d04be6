import type { Metadata } from "next";
import { Suspense } from "react";
import { ImageDetail } from "../../../_components/images/image-detail";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Image ${decodeURIComponent((await params).id).replace(/^sha256:/, "").slice(0, 12)}` };
}

export default async function ImagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense>
      <ImageDetail id={decodeURIComponent(id)} />
    </Suspense>
  );
}
