"use client";
/** The Images page's title and its Pull action (operators), with the transfers it started below. */
import { useState } from "react";
import { usePermission } from "../../_lib/use-permission";
import { buttonClass } from "../confirm-dialog";
import { TransferDialog } from "./transfer-dialog";
import { TransfersList } from "./transfers-list";

export function ImagesHeader() {
  const [pulling, setPulling] = useState(false);
  const permission = usePermission("image.pull");
  return (
    <>
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-xl font-semibold">Images</h1>
        <button type="button" className={buttonClass("primary")} onClick={() => setPulling(true)} disabled={!permission.allowed} title={permission.reason}>
          Pull image
        </button>
      </div>
      <TransferDialog kind="pull" open={pulling} onClose={() => setPulling(false)} />
      <TransfersList />
    </>
  );
}
