-- (c') as (c), the same document each time with the slug in `variables`, as frontends send it:
-- the parsed document is reused.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local template = [[{"query":"query Detail($slug: String!) { program(slug: $slug) { slug name localName country category legalStatus summary employerSponsorship workAuthorization prPath entries inForceOn { text } requirements { kind description mandatory citations { confidence source { title url } } } fees { label amount { amount currency } effectiveFrom effectiveUntil current citations { source { title url } } } facts { field wording confidence note citations { excerpt source { title url } } } citations { field confidence source { title url publisher } } commentaries { body stance kind saidOn { text } person { name affiliation } source { title url } } policyEvents { title kind date { text } } } }","variables":{"slug":"bench-%05d"}}]]
math.randomseed(os.time())
request = function()
  return wrk.format(nil, nil, nil, string.format(template, math.random(0, 1999)))
end
-- A benchmark of errors would measure nothing: report the first one.
local reported = false
response = function(status, headers, body)
  if not reported and (status ~= 200 or body:find('"errors"', 1, true)) then
    reported = true
    print("ERROR RESPONSE: " .. body:sub(1, 300))
  end
end
