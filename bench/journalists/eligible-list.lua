-- `eligiblePrograms(profile)` as the list it was before it became a connection (every program).
dofile("bench/journalists/common.lua")
local ages = {24, 31, 38, 45}
local degrees = {"BACHELOR", "MASTER", "DOCTORATE"}
request = function()
  local body = string.format([[{"query":"{ eligiblePrograms(profile: {age: %d, highestDegree: %s, hasJobOffer: %s, fieldOfStudy: \"engineering\"}) { result program { slug name } checks { criterion outcome reason } } }"}]],
    ages[math.random(#ages)], degrees[math.random(#degrees)], math.random(2) == 1 and "true" or "false")
  return wrk.format(nil, nil, nil, body)
end
