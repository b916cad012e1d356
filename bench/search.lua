-- wrk script: agents typing names at the counter (no accents, sometimes a
-- typo), spread over the queries in bench/queries.txt, with a bearer token.
local queries = {}
for line in io.lines(os.getenv("QUERIES") or "bench/queries.txt") do
  if #line > 0 then queries[#queries + 1] = line end
end
local path = os.getenv("SEARCH_PATH") or "/api/v1/persons?q="
local token = os.getenv("TOKEN")
local i = 0
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
request = function()
  i = i + 1
  local q = queries[(i % #queries) + 1]
  return wrk.format("GET", path .. enc(q), { ["Authorization"] = "Bearer " .. token, ["HX-Request"] = "true" })
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d (status %d, timeouts %d), rps %.0f, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.errors.timeout, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
