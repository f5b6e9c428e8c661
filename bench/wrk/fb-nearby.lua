-- GET /api/v1/locations/nearby (5 km, top 20) at random points of the Bengaluru box, each request
-- with the bearer token of a rep from BENCH_TOKENS (lines: "<token> <location id> <lat> <lon>").
dofile("report.lua")
local tokens = {}
local n = 0

function init(args)
  seed_thread()
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    local tok = line:match("^(%S+)")
    if tok then n = n + 1; tokens[n] = tok end
  end
end

function request()
  local lat = 12.85 + math.random(0, 25000) * 0.00001
  local lon = 77.48 + math.random(0, 27000) * 0.00001
  local path = string.format("/api/v1/locations/nearby?lat=%.5f&lon=%.5f&radius=5000&limit=20", lat, lon)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[math.random(1, n)] })
end
