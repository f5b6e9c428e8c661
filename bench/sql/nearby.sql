-- GET /api/v1/locations/nearby's query (src/server/locations/find-nearby.ts): 5 km, top 20, at a random
-- point of the Bengaluru box the locations were generated in.
\set lat 12.85 + random(0, 25000) * 0.00001
\set lon 77.48 + random(0, 27000) * 0.00001
SELECT * FROM (
  SELECT l.id, l.name, l.address, l.location_type, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon,
         l.geofence_radius, round(ST_Distance(l.coordinates, ST_SetSRID(ST_MakePoint(:lon::float8, :lat::float8), 4326)::geography)::numeric, 2) AS distance_m
  FROM locations l
  WHERE l.active AND ST_DWithin(l.coordinates, ST_SetSRID(ST_MakePoint(:lon::float8, :lat::float8), 4326)::geography, 5000::float8)
  ORDER BY l.coordinates <-> ST_SetSRID(ST_MakePoint(:lon::float8, :lat::float8), 4326)::geography
  LIMIT 20
) n ORDER BY n.distance_m, n.id;
