-- `timeline`: the newest 20 policy events of a random country.
dofile("bench/journalists/common.lua")
local countries = {"US", "CN", "DE", "JP", "IN", "GB"}
request = function()
  local body = string.format([[{"query":"{ timeline(countries: [\"%s\"], first: 20) { edges { node { title kind date { text } program { slug } } } } }"}]], countries[math.random(#countries)])
  return wrk.format(nil, nil, nil, body)
end
