import Link from "next/link";
import { getSessionState } from "@/server/auth/session";
import { SignOutButton } from "./sign-out-button";

type NavItem = { href: string; label: string };
const NAV: Record<string, NavItem[]> = {
  rep: [{ href: "/rep", label: "Today" }],
  manager: [
    { href: "/manager", label: "Team" },
    { href: "/manager/customers", label: "Customers" },
    { href: "/manager/plans", label: "Plans" },
    { href: "/manager/analytics", label: "Analytics" },
    { href: "/manager/reports", label: "Reports" },
  ],
  admin: [
    { href: "/admin", label: "Admin" },
    { href: "/manager", label: "Team" },
    { href: "/manager/customers", label: "Customers" },
    { href: "/manager/plans", label: "Plans" },
    { href: "/manager/analytics", label: "Analytics" },
    { href: "/manager/reports", label: "Reports" },
  ],
};

/** The signed-in shell: who you are, where you can go, sign out. Pages guard themselves (page-guard.ts). */
export default async function AppLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  const s = await getSessionState();
  const items = s && !s.mfaEnrolmentRequired ? (NAV[s.actor.role] ?? []) : [];
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-1.5 gap-y-1 px-3 py-2 sm:gap-x-4 sm:px-4">
          <span className="font-bold text-brand-700">Fieldbeat</span>
          {/* A manager's or admin's many items, on phones: one row under the name that scrolls sideways (they would wrap
              to several lines); a rep's two stay inline on the header's one row. Wider screens: inline. */}
          <nav
            aria-label="Main"
            className={
              items.length > 3
                ? "order-last -mx-1 flex w-full min-w-0 flex-nowrap items-center gap-0.5 overflow-x-auto whitespace-nowrap sm:order-none sm:mx-0 sm:w-auto sm:flex-1 sm:flex-wrap sm:gap-1 sm:overflow-visible"
                : "flex flex-1 flex-wrap items-center gap-0.5 sm:gap-1"
            }
          >
            {items.map((i) => (
              <Link key={i.href} href={i.href} className="inline-flex min-h-11 items-center rounded-lg px-2 text-[15px] font-medium hover:bg-slate-100 sm:px-3 sm:text-base">
                {i.label}
              </Link>
            ))}
            {s ? (
              <Link href="/account/security" className="inline-flex min-h-11 items-center rounded-lg px-2 text-[15px] font-medium hover:bg-slate-100 sm:px-3 sm:text-base">
                Security
              </Link>
            ) : null}
          </nav>
          {s ? (
            <div className={items.length > 3 ? "ml-auto flex items-center gap-2 sm:ml-0" : "flex items-center gap-2"}>
              <span className="hidden text-sm text-slate-600 sm:inline" title={s.actor.email}>
                {s.actor.name} · {s.actor.role}
              </span>
              <SignOutButton />
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
