import type { Metadata } from "next";
import Link from "next/link";
import { ImportFlow } from "@/components/customers/import-flow";
import { requirePageActor } from "@/server/auth/page-guard";
import { IMPORT_COLUMNS } from "@/contracts/locations";

export const metadata: Metadata = { title: "Import customers" };

/** Import customers from a spreadsheet: check (dry run) → preview → import → summary. */
export default async function ImportCustomersPage() {
  await requirePageActor(["manager", "admin"]);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/manager/customers" className="inline-flex min-h-11 items-center underline">
          ← Customers
        </Link>
        <h1 className="text-2xl font-bold">Import customers</h1>
        <p className="mt-1 text-slate-600">
          Rows match existing customers by external ref (or, without one, the same name within 25 m): importing the same file twice changes nothing. Any invalid row and nothing is written,
          unless you choose to skip them.
        </p>
      </div>
      <details className="rounded-xl border border-slate-200 p-4">
        <summary className="inline-flex min-h-11 cursor-pointer items-center font-semibold">The columns</summary>
        <table className="mt-2 w-full table-fixed text-left text-sm">
          <caption className="sr-only">The columns of a customers file, in any order and case</caption>
          <thead className="text-slate-600">
            <tr>
              <th scope="col" className="w-1/3 p-2">Column (also accepted)</th>
              <th scope="col" className="w-20 p-2">Required</th>
              <th scope="col" className="p-2">Meaning</th>
            </tr>
          </thead>
          <tbody>
            {IMPORT_COLUMNS.map((c) => (
              <tr key={c.field} className="border-t border-slate-100 align-top">
                <th scope="row" className="p-2 font-mono font-normal break-words">
                  {c.aliases[0]}
                  {c.aliases.length > 1 ? <span className="block text-xs text-slate-500">{c.aliases.slice(1).join(", ")}</span> : null}
                </th>
                <td className="p-2">{c.required ? "yes" : "no"}</td>
                <td className="p-2">{c.help}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="mt-2 text-sm text-slate-600">Other columns are ignored (and listed). Without coordinates a row needs an address and a configured geocoding key.</p>
      </details>
      <ImportFlow />
    </div>
  );
}
