import Link from "next/link";

const features = [
  { title: "Check-ins you can trust", body: "Every visit is checked in PostGIS against the customer's geofence on the WGS84 spheroid, with a selfie and plausibility flags (stale fix, low accuracy, impossible speed) a manager can read." },
  { title: "Works without signal", body: "The rep app is an installable PWA: start the day, check in and out, all queued on the phone and synced when the network returns — nothing lost, nothing doubled." },
  { title: "The team, live", body: "Managers see where their team is, what is late and what failed validation, on a live map with an activity feed, timelines and exportable reports." },
];

export default function Home() {
  return (
    <main id="main" className="mx-auto flex max-w-5xl flex-col gap-12 px-5 py-10 sm:py-16">
      <header className="flex items-center justify-between">
        <span className="text-xl font-bold tracking-tight text-brand-700">Fieldbeat</span>
        <Link href="/login" className="inline-flex min-h-11 items-center rounded-lg bg-brand-600 px-5 font-semibold text-white hover:bg-brand-700">
          Sign in
        </Link>
      </header>
      <section aria-labelledby="hero" className="flex flex-col gap-4">
        <h1 id="hero" className="text-3xl font-bold tracking-tight sm:text-5xl">
          Sales force tracking, open source.
        </h1>
        <p className="max-w-2xl text-lg text-slate-600">
          Fieldbeat shows where your field team really was: reps check in at customers from their phones, inside a geofence and with a live
          selfie; managers follow the day as it happens. Self-hosted on PostgreSQL + PostGIS, your data stays yours.
        </p>
      </section>
      <section aria-label="What Fieldbeat does" className="grid gap-5 sm:grid-cols-3">
        {features.map((f) => (
          <article key={f.title} className="rounded-xl border border-slate-200 p-5">
            <h2 className="mb-2 font-semibold">{f.title}</h2>
            <p className="text-sm text-slate-600">{f.body}</p>
          </article>
        ))}
      </section>
      <footer className="border-t border-slate-200 pt-6 text-sm text-slate-500">
        Demo customer locations: © OpenStreetMap contributors (ODbL). <Link className="underline" href="/api/health">System status</Link>
      </footer>
    </main>
  );
}
