-- `GET /feed.atom`: the 50 newest public changes.
local reported = false
response = function(status, headers, body)
  if not reported and status ~= 200 then
    reported = true
    print("ERROR RESPONSE: " .. status .. " " .. body:sub(1, 300))
  end
end
