-- compare of 10 random programs, every cell with its value, state and sources.
dofile("bench/journalists/common.lua")
request = function()
  local slugs = {}
  for i = 1, 10 do slugs[i] = string.format([[\"bench-%05d\"]], math.random(0, PROGRAMS - 1)) end
  local body = string.format([[{"query":"{ compare(slugs: [%s]) { rows { attribute label cells { program value state note citations { confidence source { title url } } } } } }"}]], table.concat(slugs, ", "))
  return wrk.format(nil, nil, nil, body)
end
