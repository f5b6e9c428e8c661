-- Shared by every bench wrk script (loaded with dofile from bench/wrk/ as the working directory):
-- numbers each thread, tallies status codes (and an optional per-response counter), and prints
-- one JSON line in done(): requests/s, p50/p99 (ms), socket errors and status codes.
local threads = {}
local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")

function setup(thread)
  thread:set("tid", #threads) -- 0-based thread number, read by init() in the thread
  thread:set("nthreads", nthreads)
  table.insert(threads, thread)
end

codes = {}
counted = 0 -- what a script's count_response(body) adds up (e.g. accepted fixes)

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if count_response and status < 300 then counted = counted + count_response(body) end
end

-- Seeds each thread differently (LuaJIT threads would otherwise draw the same numbers).
function seed_thread()
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919 + math.floor(os.clock() * 1e6))
end

function uuid4()
  local r = math.random
  return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x", r(0, 0xffff), r(0, 0xffff), r(0, 0xffff), r(0, 0xfff), 0x8000 + r(0, 0x3fff), r(0, 0xffff), r(0, 0xffff), r(0, 0xffff))
end

function done(summary, latency, requests)
  local all, total = {}, 0
  local count = 0
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    for k, v in pairs(c) do all[k] = (all[k] or 0) + v end
    count = count + (t:get("counted") or 0)
  end
  local parts = {}
  for k, v in pairs(all) do
    table.insert(parts, string.format('"%d":%d', k, v))
    total = total + v
  end
  local e = summary.errors
  io.write(string.format(
    '\nWRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,"status_errors":%d,"codes":{%s},"responses":%d,"counted":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ","), total, count))
end
