-- POST /v1/jobs/bench-true/runs: starts a run of `true` per request.
request = function()
  return wrk.format("POST", "/v1/jobs/bench-true/runs", {["Content-Type"] = "application/json"}, "")
end
done = function(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
