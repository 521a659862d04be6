import type { Metadata } from "next";
import { ImagesHeader } from "../../_components/images/images-header";
import { ImagesTable } from "../../_components/images-table";

export const metadata: Metadata = { title: "Images" };

export default function ImagesPage() {
  return (
    <>
      <ImagesHeader />
      <ImagesTable />
    </>
  );
}
