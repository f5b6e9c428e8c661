"use client";

import { APIProvider, Circle, Map, Marker, Polyline, useMap } from "@vis.gl/react-google-maps";
import { useEffect, useRef } from "react";
import { boundsOf, DEFAULT_CENTER, DEFAULT_COLOR, fitKey, fitPoints } from "./map-geometry";
import type { FieldMapProps } from "./map-types";

/** Fits the view to what is drawn when the set of places changes (same rule as the Leaflet engine). */
function FitView({ props }: { props: FieldMapProps }) {
  const map = useMap();
  const points = fitPoints(props);
  const key = fitKey(points);
  const fitted = useRef(false);
  useEffect(() => {
    if (!map || props.center || (props.fitOnce && fitted.current)) return;
    fitted.current = true;
    const b = boundsOf(points);
    if (b) map.fitBounds({ south: b[0][0], west: b[0][1], north: b[1][0], east: b[1][1] }, 24);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key captures what matters
  }, [map, key]);
  return null;
}

/**
 * The Google Maps engine, used when NEXT_PUBLIC_GOOGLE_MAPS_API_KEY is set. Same props as the Leaflet one.
 * Needs the key and network access to Google (untested offline: it renders an empty map there).
 */
export default function GoogleFieldMap(props: FieldMapProps & { apiKey: string }) {
  const { markers = [], circles = [], lines = [], height = "320px", ariaLabel, className, apiKey } = props;
  const start = props.center ?? DEFAULT_CENTER;
  return (
    <div role="region" aria-label={ariaLabel} className={className} data-map-engine="google" style={{ height }}>
      <APIProvider apiKey={apiKey}>
        <Map defaultCenter={{ lat: start.lat, lng: start.lon }} defaultZoom={props.zoom ?? 5} gestureHandling="cooperative"
          onClick={props.onMapClick ? (e) => { const ll = e.detail.latLng; if (ll) props.onMapClick?.({ lat: ll.lat, lon: ll.lng }); } : undefined} style={{ height, width: "100%" }}>
          <FitView props={props} />
          {circles.map((c) => (
            <Circle key={c.id} center={{ lat: c.lat, lng: c.lon }} radius={c.radiusM} strokeColor={c.color ?? "#0f766e"} strokeWeight={1.5} fillColor={c.color ?? "#0f766e"} fillOpacity={0.12} />
          ))}
          {lines.map((l) => (
            <Polyline key={l.id} path={l.points.map((p) => ({ lat: p.lat, lng: p.lon }))} strokeColor={l.color ?? DEFAULT_COLOR} strokeWeight={3} strokeOpacity={l.dashed ? 0.5 : 1} />
          ))}
          {markers.map((m) => (
            <Marker key={m.id} position={{ lat: m.lat, lng: m.lon }} title={m.label} label={m.small ? undefined : m.badge}
              icon={m.small ? { path: "M -1 0 a 1 1 0 1 0 2 0 a 1 1 0 1 0 -2 0", scale: 4, fillColor: m.color ?? DEFAULT_COLOR, fillOpacity: 0.8, strokeColor: "#fff", strokeWeight: 1 } : undefined}
              zIndex={m.small ? 0 : 1}
              onClick={m.onClick}
              draggable={!!m.draggable}
              onDragEnd={m.onDragEnd ? (e) => { const ll = e.latLng; if (ll) m.onDragEnd?.({ lat: ll.lat(), lon: ll.lng() }); } : undefined}
            />
          ))}
        </Map>
      </APIProvider>
    </div>
  );
}
