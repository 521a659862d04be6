import type { Metadata } from "next";
import { Dashboard } from "../_components/dashboard";

export const metadata: Metadata = { title: "Dashboard" };

export default function DashboardPage() {
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Dashboard</h1>
      <Dashboard />
    </>
  );
}
