-- compare of 2 to 10 of the seed's programs, picked at random (BENCH_SLUGS: their slugs, comma-
-- separated). Real programs have different numbers of requirements, fees and citations, so
-- nearly every comparison reads lists of new lengths.
dofile("bench/journalists/common.lua")
local all = {}
for slug in string.gmatch(os.getenv("BENCH_SLUGS") or "", "[^,]+") do all[#all + 1] = slug end
request = function()
  local pool = {unpack(all)}
  local slugs = {}
  for i = 1, math.random(2, math.min(10, #pool)) do
    local at = math.random(#pool)
    slugs[i] = string.format([[\"%s\"]], pool[at])
    table.remove(pool, at)
  end
  local body = string.format([[{"query":"{ compare(slugs: [%s]) { rows { attribute label cells { program value state note citations { confidence source { title url } } } } } }"}]], table.concat(slugs, ", "))
  return wrk.format(nil, nil, nil, body)
end
