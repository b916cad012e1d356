-- wrk script: open a household's file (the page an agent reads most),
-- households drawn evenly over 1..MAX_ID with a bearer token.
local token = os.getenv("TOKEN")
local max = tonumber(os.getenv("MAX_ID") or "400000")
local n = 0
request = function()
  n = n + 1
  local id = (n * 7919) % max + 1
  return wrk.format("GET", "/foyers/" .. id, { ["Authorization"] = "Bearer " .. token })
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d (status %d), rps %.0f, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
