"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";
import { createLocationAction, updateLocationAction } from "@/server/locations/locations.actions";
import { RADIUS_MAX_M, RADIUS_MIN_M, type Location } from "@/contracts/locations";
import { FieldError, fieldProps, FormStatus, formValues, inputClass, primaryButton, toState, useClientId, type FormState } from "../admin/form-bits";
import { FieldMap } from "../map/field-map";
import type { LatLon, MapCircle, MapMarker } from "../map/map-types";

type Props = { customer?: Location; defaultRadius: number; startAt: LatLon };

const coord = (s: string, max: number): number | null => {
  const n = s.trim() === "" ? NaN : Number(s);
  return Number.isFinite(n) && Math.abs(n) <= max ? n : null;
};
/** A number field as sent: absent when empty; anything unreadable becomes NaN, which the server refuses on that field. */
const numberOrText = (s: string | undefined): number | undefined => (s === undefined || s === "" ? undefined : Number(s));
const zoomFor = (r: number) => (r > 1500 ? 12 : r > 400 ? 14 : r > 100 ? 16 : 17);

/**
 * Create or edit a customer: name, codes, and the place picked on a map (click to place, drag the pin, or type the
 * coordinates), with the geofence circle redrawn as the radius changes. Same use-cases as POST/PATCH /api/v1/locations.
 */
export function CustomerForm({ customer, defaultRadius, startAt }: Props) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [latText, setLatText] = useState(customer ? String(customer.lat) : "");
  const [lonText, setLonText] = useState(customer ? String(customer.lon) : "");
  const [radiusText, setRadiusText] = useState(String(customer?.geofence_radius ?? defaultRadius));
  const [initialZoom] = useState(() => (customer ? zoomFor(customer.geofence_radius) : 12));
  const lat = coord(latText, 90);
  const lon = coord(lonText, 180);
  const pos = lat !== null && lon !== null ? { lat, lon } : null;
  const radius = Number(radiusText);
  const radiusOk = Number.isInteger(radius) && radius >= RADIUS_MIN_M && radius <= RADIUS_MAX_M;
  const place = (p: LatLon) => {
    setLatText(p.lat.toFixed(6));
    setLonText(p.lon.toFixed(6));
  };

  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const v = formValues(fd);
    const fields = {
      client_id: clientId,
      name: v.name ?? "",
      address: v.address ?? "",
      location_type: v.location_type ?? "",
      external_ref: v.external_ref ?? "",
      lat: numberOrText(v.lat),
      lon: numberOrText(v.lon),
      geofence_radius: numberOrText(v.geofence_radius),
    };
    if (customer) {
      const res = await updateLocationAction({ id: customer.id, ...fields });
      if (res.ok) {
        nextClientId();
        router.refresh();
      }
      return toState(res, res.ok ? `Saved: ${res.data.name}, geofence ${res.data.geofence_radius} m.` : "", v);
    }
    const res = await createLocationAction({ ...fields, lat: fields.lat as number, lon: fields.lon as number });
    if (res.ok) {
      nextClientId();
      router.push(`/manager/customers/${res.data.id}`);
    }
    return toState(res, res.ok ? `Created ${res.data.name}.` : "", v);
  }, null);

  const markers: MapMarker[] = pos ? [{ id: "pin", ...pos, label: "The customer's position: drag to move", draggable: true, onDragEnd: place, emphasis: true, color: "#15803d" }] : [];
  const circles: MapCircle[] = pos && radiusOk ? [{ id: "fence", ...pos, radiusM: radius, color: "#16a34a", label: `Geofence ${radius} m` }] : [];
  const text = (name: "name" | "address" | "location_type" | "external_ref", label: string, max: number, extra: { required?: boolean; hint?: string } = {}) => (
    <div className="flex flex-col gap-1">
      <label className="flex flex-col gap-1 font-medium">
        {label}
        <input name={name} maxLength={max} required={extra.required} className={inputClass} {...fieldProps(state, name, `cf-${name}-err`)} defaultValue={state?.values?.[name] ?? customer?.[name] ?? ""} />
      </label>
      {extra.hint ? <span className="text-sm text-slate-600">{extra.hint}</span> : null}
      <FieldError state={state} name={name} id={`cf-${name}-err`} />
    </div>
  );
  /** Controlled inputs: the error wiring without a defaultValue; the map's help stays described when there is no error. */
  const numberProps = (name: "lat" | "lon" | "geofence_radius", help?: string) => {
    const { defaultValue: _ignored, ...p } = fieldProps(state, name, `cf-${name}-err`);
    return { ...p, "aria-describedby": p["aria-describedby"] ?? help };
  };

  return (
    <form action={submit} aria-labelledby="customer-form-h" className="flex flex-col gap-4 rounded-xl border border-slate-200 p-4">
      <h2 id="customer-form-h" className="text-lg font-semibold">
        {customer ? "Edit customer" : "New customer"}
      </h2>
      <div className="grid gap-3 sm:grid-cols-2">
        {text("name", "Name", 255, { required: true })}
        {text("external_ref", "External ref", 100, { hint: "Your own id (CRM code); CSV imports match on it." })}
        {text("address", "Address", 1000)}
        {text("location_type", "Type", 50, { hint: "e.g. pharmacy, hospital" })}
      </div>
      <fieldset className="flex flex-col gap-3">
        <legend className="font-semibold">Place and geofence</legend>
        <p id="cf-map-help" className="text-sm text-slate-600">
          Click the map to place the customer, drag the pin to move it, or type the coordinates. The circle is the geofence a check-in is judged against.
        </p>
        <div data-testid="customer-pick-map">
          <FieldMap
            markers={markers}
            circles={circles}
            center={customer ? { lat: customer.lat, lon: customer.lon } : startAt}
            zoom={initialZoom}
            fitOnce
            onMapClick={place}
            height="320px"
            ariaLabel="Map pick: click to place the customer, drag the pin to move it"
          />
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <div className="flex flex-col gap-1">
            <label className="flex flex-col gap-1 font-medium">
              Latitude
              <input name="lat" inputMode="decimal" required className={inputClass} value={latText} onChange={(e) => setLatText(e.target.value)} {...numberProps("lat", "cf-map-help")} />
            </label>
            <FieldError state={state} name="lat" id="cf-lat-err" />
          </div>
          <div className="flex flex-col gap-1">
            <label className="flex flex-col gap-1 font-medium">
              Longitude
              <input name="lon" inputMode="decimal" required className={inputClass} value={lonText} onChange={(e) => setLonText(e.target.value)} {...numberProps("lon", "cf-map-help")} />
            </label>
            <FieldError state={state} name="lon" id="cf-lon-err" />
          </div>
          <div className="flex flex-col gap-1">
            <label className="flex flex-col gap-1 font-medium">
              Geofence radius (m)
              <input
                name="geofence_radius"
                type="number"
                inputMode="numeric"
                min={RADIUS_MIN_M}
                max={RADIUS_MAX_M}
                step={1}
                className={inputClass}
                value={radiusText}
                onChange={(e) => setRadiusText(e.target.value)}
                {...numberProps("geofence_radius")}
              />
            </label>
            <span className="text-sm text-slate-600">
              {RADIUS_MIN_M}–{RADIUS_MAX_M} m. Within r a check-in is VALID, within 2r WARNING, beyond INVALID.
            </span>
            <FieldError state={state} name="geofence_radius" id="cf-geofence_radius-err" />
          </div>
        </div>
        {customer ? (
          <p className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900" data-testid="verdict-note">
            Moving this customer or changing its radius does not rewrite past verdicts: visits already made keep the verdict they were judged with, against the place as it was then. New check-ins use the new place.
          </p>
        ) : null}
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? "Saving…" : customer ? "Save customer" : "Create customer"}
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
