-- Shared by the journalist loads: POST a GraphQL body, report the first error answer.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
PROGRAMS = tonumber(os.getenv("BENCH_PROGRAMS") or "2000")
math.randomseed(os.time())
local reported = false
response = function(status, headers, body)
  if not reported and (status ~= 200 or body:find('"errors"', 1, true)) then
    reported = true
    print("ERROR RESPONSE: " .. body:sub(1, 300))
  end
end
