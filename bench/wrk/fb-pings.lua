-- POST /api/v1/tracking/pings: 500-fix batches (BENCH_PING_BATCH), each from the next rep of
-- BENCH_TOKENS (whose day the bench has opened), fixes taken over the last second, fresh client_ids.
-- count_response adds up the "accepted" of each answer: fixes actually stored.
dofile("report.lua")
local reps = {}
local n, next_i = 0, 0
local batch = tonumber(os.getenv("BENCH_PING_BATCH") or "500")

function init(args)
  seed_thread()
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    local tok, loc, lat, lon = line:match("^(%S+) (%d+) (%S+) (%S+)")
    if tok then n = n + 1; reps[n] = { tok, tonumber(lat), tonumber(lon) } end
  end
  next_i = tid
end

function count_response(body)
  return tonumber(body:match('"accepted":(%d+)') or "0")
end

function request()
  if next_i >= n then next_i = tid end
  local r = reps[next_i + 1]
  next_i = next_i + nthreads
  local now = os.time()
  local fixes = {}
  local lat, lon = r[2], r[3]
  for i = 1, batch do
    local ms = now * 1000 - (batch - i) * 2
    lat = lat + (math.random() - 0.5) * 1e-4
    lon = lon + (math.random() - 0.5) * 1e-4
    fixes[i] = string.format('{"client_id":"%s","lat":%.6f,"lon":%.6f,"accuracy_m":10,"captured_at":"%s.%03dZ","source":"gps"}',
      uuid4(), lat, lon, os.date("!%Y-%m-%dT%H:%M:%S", math.floor(ms / 1000)), ms % 1000)
  end
  local body = '{"pings":[' .. table.concat(fixes, ",") .. ']}'
  return wrk.format("POST", "/api/v1/tracking/pings", { ["Authorization"] = "Bearer " .. r[1], ["Content-Type"] = "application/json" }, body)
end
