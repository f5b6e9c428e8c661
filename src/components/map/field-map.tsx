"use client";

import dynamic from "next/dynamic";
import { useEffect, useState } from "react";
import { publicEnv } from "@/lib/public-env";
import type { FieldMapProps } from "./map-types";

export type { FieldMapProps, LatLon, MapCircle, MapLine, MapMarker } from "./map-types";

function MapPlaceholder({ height }: { height?: string }) {
  return (
    <div style={{ height: height ?? "320px" }} className="flex items-center justify-center rounded border border-slate-200 bg-slate-100 text-sm text-slate-500" role="status">
      Loading map…
    </div>
  );
}

// Both engines are client-only (they touch window) and heavy: each loads only when a map is on screen.
const LeafletMap = dynamic(() => import("./leaflet-map"), { ssr: false, loading: () => <MapPlaceholder /> });
const GoogleMap = dynamic(() => import("./google-map"), { ssr: false, loading: () => <MapPlaceholder /> });

/**
 * The app's one map: Leaflet + OpenStreetMap tiles by default, Google Maps when NEXT_PUBLIC_GOOGLE_MAPS_API_KEY is set.
 * Markers, geofence circles and trails are vector overlays, so they draw even when no tile loads.
 */
export function FieldMap(props: FieldMapProps) {
  const ready = useAfterPageLoad();
  // Tiles load after the page's own load event: a slow or unreachable tile server never holds the page "loading".
  if (!ready) return <MapPlaceholder height={props.height} />;
  return publicEnv.googleMapsApiKey ? <GoogleMap {...props} apiKey={publicEnv.googleMapsApiKey} /> : <LeafletMap {...props} />;
}

function useAfterPageLoad(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (document.readyState === "complete") {
      const t = setTimeout(() => setReady(true), 0);
      return () => clearTimeout(t);
    }
    const on = () => setReady(true);
    window.addEventListener("load", on, { once: true });
    return () => window.removeEventListener("load", on);
  }, []);
  return ready;
}

export default FieldMap;
