-- POST /api/v1/visits/check-in: each request from the next rep of BENCH_TOKENS (lines:
-- "<token> <location id> <lat> <lon>", the point ~11 m from the location), a fresh client_id, a
-- fresh device time. Threads take interleaved lines (thread t: t, t+T, t+2T, …), so no rep is used
-- twice until the file wraps: a rep with an open visit would answer 409. The bench closes open
-- visits between rounds.
dofile("report.lua")
local reps = {}
local n, next_i = 0, 0
wrapped = 0

function init(args)
  seed_thread()
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    local tok, loc, lat, lon = line:match("^(%S+) (%d+) (%S+) (%S+)")
    if tok then n = n + 1; reps[n] = { tok, loc, tonumber(lat), tonumber(lon) } end
  end
  next_i = tid
end

function request()
  if next_i >= n then next_i = tid; wrapped = wrapped + 1 end
  local r = reps[next_i + 1]
  next_i = next_i + nthreads
  -- a few centimetres of jitter, so distinct visits never carry identical coordinates
  local body = string.format('{"client_id":"%s","location_id":%s,"lat":%.7f,"lon":%.7f,"accuracy_m":8,"captured_at":"%s"}',
    uuid4(), r[2], r[3] + math.random() * 1e-6, r[4] + math.random() * 1e-6, os.date("!%Y-%m-%dT%H:%M:%SZ"))
  return wrk.format("POST", "/api/v1/visits/check-in", { ["Authorization"] = "Bearer " .. r[1], ["Content-Type"] = "application/json" }, body)
end
