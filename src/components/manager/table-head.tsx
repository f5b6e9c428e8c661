/** The header row of the reports' and analytics' data tables (column headers with scope, for screen readers). */
export function TableHead({ headers, sticky = false }: { headers: string[]; sticky?: boolean }) {
  return (
    <thead className={`${sticky ? "sticky top-0 " : ""}bg-slate-50 text-left`}>
      <tr>
        {headers.map((h) => (
          <th key={h} scope="col" className="px-2 py-1.5 font-semibold">
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}
