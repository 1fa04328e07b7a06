-- One client sending (b) as fast as it can, from one address (through the trusted proxy).
dofile("bench/detail.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Forwarded-For"] = "10.6.6.6"
