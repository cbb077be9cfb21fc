-- POST /v1/jobs: COUNT jobs in all (split over THREADS wrk threads), each with its own schedule.
-- Environment: COUNT, PREFIX, CRON ("random-far": a random minute/hour/day in a month five
-- months away, so none fires during the benchmark; anything else is used as given), RUN_FORM
-- ("cmd": `true` through /bin/sh -c, the default; "args": `true` executed without a shell).
local created = 0
function setup(thread)
  thread:set("index", created)
  created = created + 1
end
function init(args)
  local total = tonumber(os.getenv("COUNT") or "1000")
  local n = tonumber(os.getenv("THREADS") or "2")
  quota = math.floor(total / n)
  if index == n - 1 then quota = total - quota * (n - 1) end
  first = index * math.floor(total / n)
  sent = 0
  primed = false
  prefix = os.getenv("PREFIX") or "job"
  cron = os.getenv("CRON") or "random-far"
  month = tonumber(os.getenv("FAR_MONTH") or "1")
  command = '"cmd":"true"'
  if os.getenv("RUN_FORM") == "args" then command = '"args":["true"]' end
  math.randomseed(index + 7)
end
request = function()
  -- wrk generates one request per thread that it never sends: make that one a ping.
  if not primed then
    primed = true
    return wrk.format("GET", "/ping")
  end
  if sent >= quota then
    -- Done: wrk runs for a fixed duration, so idle along with cheap pings.
    return wrk.format("GET", "/ping")
  end
  local i = first + sent
  sent = sent + 1
  local expr = cron
  if cron == "random-far" then
    expr = string.format("%d %d %d %d *", math.random(0, 59), math.random(0, 23), math.random(1, 28), month)
  end
  local body = '{"id":"' .. prefix .. "-" .. i .. '","run":{' .. command .. ',"cpus":0.01,"mem":32,"disk":0},'
    .. '"schedules":[{"id":"s","cron":"' .. expr .. '","startingDeadlineSeconds":60}]}'
  return wrk.format("POST", "/v1/jobs", {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
