-- `search(query:)` for a random common word of the synthetic data, first 20 hits.
dofile("bench/journalists/common.lua")
local words = {"synthetic", "requirement", "program", "benchmark", "education", "income", "experience", "load"}
request = function()
  local body = string.format([[{"query":"{ search(query: \"%s\", first: 20) { totalCount edges { node { __typename score snippet } } } }"}]], words[math.random(#words)])
  return wrk.format(nil, nil, nil, body)
end
