-- wrk script for the day at the counter (BENCHMARK.md).
--   KIND=mix        the whole day from one wrk: each connection (one per
--                   thread: -t N -c N) sends the kinds in the designed
--                   proportions (a schedule of 20: 7 search, 5 household,
--                   3 contact, 2 aid, 1 mail, 1 list, 1 dashboard), so the
--                   shares cannot drift with the scheduler; each kind's
--                   latency is timed here (LuaJIT's FFI clock) and done()
--                   prints a line per kind
--   RATE=R CONNS=C  the same day at a fixed arrival rate of R requests/s over the C connections (bench/run.sh's
--                   day under load, not saturated): each connection's requests arrive at random (exponential
--                   gaps, mean C/R s: the sum is a Poisson stream, as agents' clicks are); a request whose time
--                   came while its connection still waited for the previous answer is timed from its
--                   scheduled time, not from when it could be sent (the wait behind the server counts: no
--                   « coordinated omission »)
-- or one kind alone (bench/run.sh's CPU per request):
--   KIND=search     a name fragment as typed (bench/queries.txt): the request the search box sends at each
--                   keystroke (htmx, fragment=1: the results only, as a browser asks them)
--   KIND=household  a household's file
--   KIND=contact    record a contact (JSON API)
--   KIND=aid        create, file and instruct an aid request (the scale evaluated)
--   KIND=mail       mail received at a domiciliation (JSON API)
--   KIND=list       a filtered, paged work list: aid requests (half), statutory aid
--                   files, social housing requests, micro-credits, the register's
--                   campaign board, the day's meal rounds, the food counter of
--                   the day's distribution, the grocery's till for a household
--   KIND=dashboard  the agent's page for today
-- Environment: TOKEN (bearer), MAX_ID (households), DOMI (file of active
-- domiciliation ids), FOOD (file of households with a grocery decision),
-- QUERIES, MOTIVE (a contact motive id).
local kind = os.getenv("KIND") or "search"
local mix = kind == "mix"
local token = os.getenv("TOKEN")
local max = tonumber(os.getenv("MAX_ID") or "40000")
local motive = os.getenv("MOTIVE") or "1"
local auth = { ["Authorization"] = "Bearer " .. token }
local json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

local queries, domi, food = {}, {}, {}
if kind == "search" or mix then
  for line in io.lines(os.getenv("QUERIES") or "bench/queries.txt") do
    if #line > 0 then queries[#queries + 1] = line end
  end
end
if (kind == "list" or mix) and os.getenv("FOOD") then
  for line in io.lines(os.getenv("FOOD")) do
    if #line > 0 then food[#food + 1] = line end
  end
end
if kind == "mail" or mix then
  for line in io.lines(os.getenv("DOMI")) do
    if #line > 0 then domi[#domi + 1] = line end
  end
end

-- The mixed day: the schedule, the clock, the latencies of each kind (globals: done() reads them from each thread).
local schedule = { "search", "household", "search", "contact", "search", "household", "aid", "search", "mail", "household",
  "search", "contact", "list", "search", "household", "aid", "search", "contact", "household", "dashboard" }
local ffi, now, ts
if mix then
  -- The FFI call compiled by the JIT in 64 threads' states at once crashed wrk now and then: interpreted, it
  -- does not (and the script is not what is measured).
  jit.off()
  ffi = require("ffi")
  ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_ts; int clock_gettime(int, bench_ts *); ]]
  ts = ffi.new("bench_ts")
  now = function() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3 end
end
-- One flat array per kind (lat_search…) and a count of refusals (bad_search…): wrk copies a thread's globals to
-- done() one by one, flat tables only.
local KINDS = { "search", "household", "contact", "aid", "mail", "list", "dashboard" }
for _, k in ipairs(KINDS) do _G["lat_" .. k] = {}; _G["bad_" .. k] = 0 end
-- The request in flight (its kind, when it was sent) and the aid's request in progress are the thread's: run with
-- one connection a thread (wrk -tN -cN), or the answers of a thread's connections are mixed.
sent_at, current = 0, nil

-- The fixed arrival rate (RATE, CONNS): wrk asks delay() before each request, in whole milliseconds.
local rate, conns = tonumber(os.getenv("RATE") or "0") or 0, tonumber(os.getenv("CONNS") or "64") or 64
local due, late = nil, nil
if mix and rate > 0 then
  local gap = 1e6 * conns / rate -- µs between two requests of one connection, on average
  delay = function()
    local t = now()
    if not due then
      math.randomseed((tid or 1) * 7919)
      due = t + math.random() * gap -- the connections start spread over one gap
    else
      due = due + -math.log(1 - math.random()) * gap
    end
    if due <= t then late = due; return 0 end -- behind: sent now, timed from when it was due
    late = nil
    return math.ceil((due - t) / 1000)
  end
end

local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local n, seed, threads = 0, 0, {}
setup = function(thread)
  seed = seed + 1
  thread:set("tid", seed)
  threads[#threads + 1] = thread
end

-- For KIND=aid, each thread walks its own requests: create → file → instruct.
local step, rid, rversion = 0, nil, nil
local lists = { "/aides?liste=a_instruire", "/aides?liste=pieces", "/aides?liste=commission", "/aides?liste=a_notifier",
  "/aides?liste=decidees_mois", "/aides?liste=", "/aides?liste=a_instruire", "/aides?liste=commission",
  "/aide-legale?liste=a_transmettre", "/aide-legale?liste=en_retard", "/aide-legale?liste=attente_longue",
  "/aide-legale?liste=renouvellements", "/logement?liste=renouvellements", "/logement?liste=propositions",
  "/logement?liste=attente_longue", "/microcredit?liste=en_cours", "/registre/campagnes/1?liste=tous",
  "/domicile?tournee=0", "/alimentaire/comptoir?liste=attendu", "till" }

local function build(kind, x)
  if kind == "search" then
    return wrk.format("GET", "/personnes?fragment=1&q=" .. enc(queries[(x % #queries) + 1]), { ["Authorization"] = "Bearer " .. token, ["HX-Request"] = "true" })
  elseif kind == "household" then
    return wrk.format("GET", "/foyers/" .. ((x % max) + 1), auth)
  elseif kind == "contact" then
    return wrk.format("POST", "/api/v1/contacts", json, string.format(
      '{"household_id": %d, "channel": "telephone", "motive_id": %s, "answer": "Information donnée", "minutes": 5}', (x % max) + 1, motive))
  elseif kind == "aid" then
    if step == 1 and rid then
      return wrk.format("POST", "/api/v1/aid/requests/" .. rid, json, string.format(
        '{"version": %s, "action": "deposer", "pieces": "identité, facture, avis d’imposition, attestation CAF"}', rversion))
    elseif step == 2 and rid then
      return wrk.format("POST", "/api/v1/aid/requests/" .. rid, json, string.format(
        '{"version": %s, "action": "instruire", "opinion": "favorable", "amount": "50", "reason": "Banc d’essai"}', rversion))
    end
    step = 0
    return wrk.format("POST", "/api/v1/aid/requests", json, string.format(
      '{"household": %d, "aid": "energie", "residence": 24, "residence_reason": "déclaration", "bill": "%d,00", "creditor": "EDF"}', (x % max) + 1, 50 + x % 400))
  elseif kind == "mail" then
    return wrk.format("POST", "/api/v1/domiciliations/" .. domi[(x % #domi) + 1] .. "", json, '{"action": "mail", "kind": "lettre", "count": 1}')
  elseif kind == "list" then
    local l = lists[(x % #lists) + 1]
    if l == "till" then
      l = #food > 0 and ("/alimentaire/epicerie/caisse?foyer=" .. food[(x % #food) + 1]) or "/alimentaire/epicerie?q="
    end
    return wrk.format("GET", l .. "&page=" .. ((x % 3) + 1), auth)
  else
    return wrk.format("GET", "/", auth)
  end
end

-- Each kind counts its own requests and picks its list, household or query from that count: taken from the
-- request's number, the kind's position in the schedule fixed it modulo 20 for a thread, and the list kind
-- asked for 5 of its 20 lists only (the meals' day, the register's board, the pending proposals never).
local sent = {}
local function pick(k)
  local c = (sent[k] or 0) + 1
  sent[k] = c
  return c * 7919 + (tid or 1) * 104729
end

request = function()
  n = n + 1
  if not mix then return build(kind, pick(kind)) end
  current = schedule[((n + (tid or 1) * 3) % #schedule) + 1]
  local req = build(current, pick(current))
  sent_at = late or now() -- once built: the script's own time (interpreted) is not the server's
  return req
end

response = function(status, headers, body)
  local k = kind
  if mix then
    k = current
    local l = _G["lat_" .. k]
    l[#l + 1] = now() - sent_at
    if status >= 400 then _G["bad_" .. k] = _G["bad_" .. k] + 1 end
  end
  if k ~= "aid" then return end
  if status == 200 or status == 201 then
    rid = body:match('"id":%s*(%d+)')
    rversion = body:match('"version":%s*(%d+)')
    step = (step + 1) % 3
  else
    step = 0
  end
end

done = function(summary, latency, requests)
  if mix then
    local seconds = summary.duration / 1e6
    for _, k in ipairs(KINDS) do
      local all, errs = {}, 0
      for _, t in ipairs(threads) do
        local l = t:get("lat_" .. k)
        if l then for i = 1, #l do all[#all + 1] = l[i] end end
        errs = errs + (t:get("bad_" .. k) or 0)
      end
      table.sort(all)
      local function pct(p) return #all > 0 and all[math.max(1, math.ceil(#all * p / 100))] / 1000 or 0 end
      io.write(string.format("%s %d %d %d %.1f %.2f %.2f %.2f\n", k, #all, errs, errs, #all / seconds, pct(50), pct(99),
        #all > 0 and all[#all] / 1000 or 0))
    end
    return
  end
  io.write(string.format("%s %d %d %d %.1f %.2f %.2f %.2f\n", kind, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
