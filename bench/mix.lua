-- wrk script for one kind of request of the day at the counter
-- (BENCHMARK.md). bench/run.sh starts one wrk per kind at the same time,
-- with agents (connections) in proportion to the mix, so that each kind
-- gets its own latency histogram:
--   KIND=search     a name fragment as typed (bench/queries.txt), htmx fragment
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
local token = os.getenv("TOKEN")
local max = tonumber(os.getenv("MAX_ID") or "40000")
local motive = os.getenv("MOTIVE") or "1"
local auth = { ["Authorization"] = "Bearer " .. token }
local json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

local queries, domi, food = {}, {}, {}
if kind == "search" then
  for line in io.lines(os.getenv("QUERIES") or "bench/queries.txt") do
    if #line > 0 then queries[#queries + 1] = line end
  end
elseif kind == "list" and os.getenv("FOOD") then
  for line in io.lines(os.getenv("FOOD")) do
    if #line > 0 then food[#food + 1] = line end
  end
elseif kind == "mail" then
  for line in io.lines(os.getenv("DOMI")) do
    if #line > 0 then domi[#domi + 1] = line end
  end
end

local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local n, seed = 0, 0
setup = function(thread)
  seed = seed + 1
  thread:set("tid", seed)
end

-- For KIND=aid, each thread walks its own requests: create → file → instruct.
local step, rid, rversion = 0, nil, nil
local lists = { "/aides?liste=a_instruire", "/aides?liste=pieces", "/aides?liste=commission", "/aides?liste=a_notifier",
  "/aides?liste=decidees_mois", "/aides?liste=", "/aides?liste=a_instruire", "/aides?liste=commission",
  "/aide-legale?liste=a_transmettre", "/aide-legale?liste=en_retard", "/aide-legale?liste=attente_longue",
  "/aide-legale?liste=renouvellements", "/logement?liste=renouvellements", "/logement?liste=propositions",
  "/logement?liste=attente_longue", "/microcredit?liste=en_cours", "/registre/campagnes/1?liste=tous",
  "/domicile?tournee=0", "/alimentaire/comptoir?liste=attendu", "till" }

request = function()
  n = n + 1
  local x = n * 7919 + (tid or 1) * 104729
  if kind == "search" then
    return wrk.format("GET", "/personnes?q=" .. enc(queries[(x % #queries) + 1]), { ["Authorization"] = "Bearer " .. token, ["HX-Request"] = "true" })
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

response = function(status, headers, body)
  if kind ~= "aid" then return end
  if status == 200 or status == 201 then
    rid = body:match('"id":%s*(%d+)')
    rversion = body:match('"version":%s*(%d+)')
    step = (step + 1) % 3
  else
    step = 0
  end
end

done = function(summary, latency, requests)
  io.write(string.format("%s %d %d %d %.1f %.2f %.2f %.2f\n", kind, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
