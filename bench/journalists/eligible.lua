-- `eligiblePrograms(profile)`: the first page of programs for a profile, with their checks.
dofile("bench/journalists/common.lua")
local ages = {24, 31, 38, 45}
local degrees = {"BACHELOR", "MASTER", "DOCTORATE"}
request = function()
  local body = string.format([[{"query":"{ eligiblePrograms(profile: {age: %d, highestDegree: %s, hasJobOffer: %s, fieldOfStudy: \"engineering\"}, first: 20) { totalCount edges { node { result program { slug name } checks { criterion outcome reason } } } pageInfo { hasNextPage endCursor } } }"}]],
    ages[math.random(#ages)], degrees[math.random(#degrees)], math.random(2) == 1 and "true" or "false")
  return wrk.format(nil, nil, nil, body)
end
