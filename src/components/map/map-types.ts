/**
 * The one map API of the app (rep Today, manager Team now, rep trail, visit evidence). Implemented with Leaflet +
 * OpenStreetMap tiles by default and Google Maps when NEXT_PUBLIC_GOOGLE_MAPS_API_KEY is set; always loaded lazily
 * (client only). Markers, circles and lines are vector overlays, so they draw even when no tile loads.
 */
export type LatLon = { lat: number; lon: number };

export type MapMarker = LatLon & {
  id: string;
  /** Accessible name and tooltip. */
  label: string;
  /** CSS colour of the marker. */
  color?: string;
  /** A second colour drawn as the marker's ring (e.g. a rep's state, the fill being the rep's own colour). */
  ring?: string;
  /** Short text drawn on the marker (e.g. a stop's sequence number). */
  badge?: string;
  /** Highlighted (e.g. the next stop, the selected rep). */
  emphasis?: boolean;
  /** Drawn as a small dot without badge (background places, e.g. customers not on the route being planned). */
  small?: boolean;
  onClick?: () => void;
  /** A pin the user can drag (the customer form's map pick); `onDragEnd` gets where it was dropped. */
  draggable?: boolean;
  onDragEnd?: (p: LatLon) => void;
};

export type MapCircle = LatLon & { id: string; radiusM: number; color?: string; label?: string };

export type MapLine = { id: string; points: LatLon[]; color?: string; dashed?: boolean; label?: string };

export type FieldMapProps = {
  markers?: MapMarker[];
  circles?: MapCircle[];
  lines?: MapLine[];
  /** Fit the view to everything drawn (default), or centre on a point. */
  center?: LatLon;
  zoom?: number;
  /** CSS height, default "320px". */
  height?: string;
  /** Accessible description of what the map shows. */
  ariaLabel: string;
  className?: string;
  /** A click on the map (not on a marker): the customer form places its pin there. */
  onMapClick?: (p: LatLon) => void;
  /** Fit the view to what is drawn only once (a map the user edits must not re-zoom at each change). */
  fitOnce?: boolean;
  /** Fit the view to these points instead of everything drawn (e.g. a day's route among hundreds of customers); empty = everything. */
  fitTo?: LatLon[];
};
