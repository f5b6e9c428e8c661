import Link from "next/link";

/** 404: also what another team's records look like (existence is not for the actor to learn). */
export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-md flex-col justify-center gap-4 px-5 py-10">
      <p className="text-sm font-semibold uppercase tracking-wide text-slate-500">404 · Not found</p>
      <h1 className="text-2xl font-bold">This page does not exist</h1>
      <p className="text-slate-600">It may have moved, or it is not yours to see.</p>
      <Link href="/login" className="inline-flex min-h-11 items-center self-start rounded-lg bg-brand-600 px-5 font-semibold text-white">
        Go to my start page
      </Link>
    </main>
  );
}
