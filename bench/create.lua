-- POST /v1/jobs with a unique id per request (thread id + counter).
local counter = 0
prefix = "t0"
function setup(thread)
  thread:set("prefix", "t" .. tostring(math.random(1, 1e9)))
end
function init(args)
  prefix = prefix or "t0"
end
request = function()
  counter = counter + 1
  local body = '{"id":"' .. prefix .. "-" .. counter .. '","run":{"cmd":"true","cpus":0.01,"mem":32,"disk":0}}'
  return wrk.format("POST", "/v1/jobs", {["Content-Type"] = "application/json"}, body)
end
done = function(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("non-2xx: %d\n", non2xx))
end
