import type { Metadata } from "next";
import { ImagesTable } from "../../_components/images-table";

export const metadata: Metadata = { title: "Images" };

export default function ImagesPage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Images</h1>
      <ImagesTable />
    </>
  );
}
