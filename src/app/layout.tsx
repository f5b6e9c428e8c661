import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Fieldbeat", template: "%s · Fieldbeat" },
  description: "Sales force tracking you can trust: geofenced check-ins, an offline-first app for reps and a live dashboard for managers.",
  applicationName: "Fieldbeat",
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: "#15803d",
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  // Every page renders per request: proxy.ts gives each one a fresh CSP nonce, which Next puts on its
  // scripts only when rendering dynamically (a prerendered page's scripts would be blocked).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh bg-white font-sans text-slate-900 antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}
