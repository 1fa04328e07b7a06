-- compare of 10 random programs, every cell with its value, state and sources.
dofile("bench/journalists/common.lua")
request = function()
  local slugs = {}
  local start = math.random(0, PROGRAMS - 1)
  -- Ten distinct programs spread over the data set.
  for i = 1, 10 do slugs[i] = string.format([[\"bench-%05d\"]], (start + (i - 1) * math.floor(PROGRAMS / 10)) % PROGRAMS) end
  local body = string.format([[{"query":"{ compare(slugs: [%s]) { rows { attribute label cells { program value state note citations { confidence source { title url } } } } } }"}]], table.concat(slugs, ", "))
  return wrk.format(nil, nil, nil, body)
end
