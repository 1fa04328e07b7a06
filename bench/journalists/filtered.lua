-- `programs(filter: {text, category})`: a text and a category, first 20.
dofile("bench/journalists/common.lua")
local cats = {"TALENT", "SKILLED_WORK", "RESEARCH", "STARTUP"}
request = function()
  local body = string.format([[{"query":"{ programs(filter: {text: \"program %d\", category: [%s]}, first: 20) { totalCount edges { node { slug name country category } } } }"}]], math.random(0, 9), cats[math.random(#cats)])
  return wrk.format(nil, nil, nil, body)
end
