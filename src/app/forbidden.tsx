import Link from "next/link";

/** Rendered with status 403 by `forbidden()` (the page guard) when a role has no business in an area. */
export default function Forbidden() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 px-5 py-10">
      <p className="text-sm font-semibold uppercase tracking-wide text-red-700">403 · Not allowed</p>
      <h1 className="text-2xl font-bold">You don’t have access to this page</h1>
      <p className="text-slate-600">Your role does not include this area. If you think it should, ask your administrator.</p>
      <Link href="/login" className="inline-flex min-h-11 items-center self-start rounded-lg bg-brand-600 px-5 font-semibold text-white">
        Go to my start page
      </Link>
    </main>
  );
}
