"use client";

import { useState } from "react";
import { Btn, Card, PermissionHelp } from "./ui";
import { GLANCE_OPTIONS, useCurrentFix } from "./use-location";

/** First run (shown on Today until accepted; Start day comes after it): what is tracked, when, and who sees it; then the location permission, with help when it is blocked. */
export function ConsentScreen({ onAccept }: { onAccept: () => void }) {
  const { status, locate } = useCurrentFix();
  const [asked, setAsked] = useState(false);
  return (
    <section aria-labelledby="consent-h" className="flex flex-col gap-4">
      <h2 id="consent-h" className="text-xl font-bold">
        Before you start
      </h2>
      <Card>
        <h3 className="font-semibold">What this app records</h3>
        <ul className="list-disc pl-5 text-slate-900">
          <li>Your location, only while your work day is open, inside work hours and while this app is open on screen.</li>
          <li>A fresh position and a live selfie when you check in at a customer, and a position when you check out.</li>
          <li>When the app was hidden, offline or had no location, so a gap is not mistaken for standing still.</li>
        </ul>
        <h3 className="mt-3 font-semibold">Who sees it</h3>
        <p>Your manager (and their managers) and administrators. Viewing your route is logged.</p>
        <h3 className="mt-3 font-semibold">When it stops</h3>
        <p>At End day, outside work hours, and whenever the app is closed: phones give no location to a closed web app.</p>
      </Card>
      {status === "denied" ? <PermissionHelp what="location" /> : null}
      <div className="flex flex-col gap-2">
        <Btn
          tone="secondary"
          onClick={async () => {
            setAsked(true);
            await locate(GLANCE_OPTIONS);
          }}
        >
          {status === "ok" ? "Location allowed ✓" : asked && status === "locating" ? "Asking…" : "Allow location"}
        </Btn>
        <Btn onClick={onAccept}>I understand, continue</Btn>
      </div>
    </section>
  );
}
