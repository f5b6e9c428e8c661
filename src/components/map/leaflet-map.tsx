"use client";

import "leaflet/dist/leaflet.css";
import L from "leaflet";
import { useEffect, useMemo, useRef } from "react";
import { Circle, MapContainer, Marker, Polyline, TileLayer, Tooltip, useMap, useMapEvents } from "react-leaflet";
import { publicEnv } from "@/lib/public-env";
import { boundsOf, DEFAULT_CENTER, DEFAULT_COLOR, fitKey, fitPoints } from "./map-geometry";
import type { FieldMapProps, MapMarker } from "./map-types";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An HTML marker (no image asset, so nothing is fetched from a CDN): a coloured dot with an optional badge. */
function markerIcon(m: MapMarker): L.DivIcon {
  const size = m.small ? 10 : m.emphasis ? 30 : 24;
  const color = escapeHtml(m.color ?? DEFAULT_COLOR);
  const ring = m.ring ? `;border:3px solid ${escapeHtml(m.ring)}` : "";
  const html =
    `<span role="img" aria-label="${escapeHtml(m.label)}" data-marker-id="${escapeHtml(m.id)}" class="fm-marker${m.emphasis ? " fm-marker-emphasis" : ""}${m.small ? " fm-marker-small" : ""}" ` +
    `style="background:${color};width:${size}px;height:${size}px${ring}">${m.badge && !m.small ? escapeHtml(m.badge) : ""}</span>`;
  return L.divIcon({ html, className: "fm-marker-wrap", iconSize: [size, size], iconAnchor: [size / 2, size / 2] });
}

/** Re-fits the view when the set of drawn places changes (not when a marker only changes colour). */
function FitView({ props }: { props: FieldMapProps }) {
  const map = useMap();
  const points = fitPoints(props);
  const maxRadius = props.fitTo?.length ? 0 : Math.max(0, ...(props.circles ?? []).map((c) => c.radiusM));
  const key = props.center ? `c:${props.center.lat},${props.center.lon},${props.zoom ?? ""}` : fitKey(points);
  const fitted = useRef(false);
  useEffect(() => {
    if (props.fitOnce && fitted.current) return;
    fitted.current = true;
    if (props.center) {
      map.setView([props.center.lat, props.center.lon], props.zoom ?? 15);
      return;
    }
    const b = boundsOf(points, maxRadius);
    if (!b) return;
    map.fitBounds(b, { padding: [24, 24], maxZoom: props.zoom ?? 17 });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the key captures what matters; points is a fresh array each render
  }, [map, key]);
  return null;
}

function ClickToPick({ onPick }: { onPick: (p: { lat: number; lon: number }) => void }) {
  useMapEvents({ click: (e) => onPick({ lat: e.latlng.lat, lon: e.latlng.lng }) });
  return null;
}

export default function LeafletMap(props: FieldMapProps) {
  const { markers = [], circles = [], lines = [], height = "320px", ariaLabel, className } = props;
  const start = props.center ?? DEFAULT_CENTER;
  const icons = useMemo(() => new Map(markers.map((m) => [m.id, markerIcon(m)])), [markers]);
  return (
    <div role="region" aria-label={ariaLabel} className={className} data-map-engine="leaflet">
      <MapContainer center={[start.lat, start.lon]} zoom={props.zoom ?? 5} style={{ height, width: "100%" }} className="rounded border border-slate-200 bg-slate-100">
        <TileLayer url={publicEnv.mapTileUrl} attribution={publicEnv.mapTileAttribution} />
        <FitView props={props} />
        {props.onMapClick ? <ClickToPick onPick={props.onMapClick} /> : null}
        {circles.map((c) => (
          <Circle key={c.id} center={[c.lat, c.lon]} radius={c.radiusM} className="fm-circle" pathOptions={{ color: c.color ?? "#0f766e", weight: 1.5, fillOpacity: 0.12 }}>
            {c.label ? <Tooltip>{c.label}</Tooltip> : null}
          </Circle>
        ))}
        {lines.map((l) => (
          <Polyline key={l.id} positions={l.points.map((p) => [p.lat, p.lon] as [number, number])} className="fm-line" pathOptions={{ color: l.color ?? DEFAULT_COLOR, weight: 3, dashArray: l.dashed ? "6 6" : undefined }}>
            {l.label ? <Tooltip>{l.label}</Tooltip> : null}
          </Polyline>
        ))}
        {markers.map((m) => (
          <Marker
            key={m.id}
            position={[m.lat, m.lon]}
            icon={icons.get(m.id)!}
            keyboard={!!m.onClick}
            zIndexOffset={m.emphasis ? 1000 : m.small ? -1000 : 0}
            draggable={!!m.draggable}
            eventHandlers={{
              ...(m.onClick ? { click: m.onClick, keypress: m.onClick } : {}),
              ...(m.onDragEnd ? { dragend: (e: L.DragEndEvent | L.LeafletEvent) => { const p = (e.target as L.Marker).getLatLng(); m.onDragEnd?.({ lat: p.lat, lon: p.lng }); } } : {}),
            }}
          >
            {/* A tooltip, not the title attribute: Leaflet sets a title once, so it would keep the first label while
                live events change the marker (state, last fix). Hover opens it; a tap does too on a phone. */}
            <Tooltip direction="top" offset={[0, -12]} className="fm-tooltip">
              {m.label}
            </Tooltip>
          </Marker>
        ))}
      </MapContainer>
    </div>
  );
}
