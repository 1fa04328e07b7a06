-- (a) the first 50 programs by name with all nested lists.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"query":"{ programs(first: 50) { totalCount nodes { slug name localName country category legalStatus employerSponsorship workAuthorization prPath inForceOn { text } requirements { kind description citations { source { title url } } } fees { label amount { amount currency } effectiveFrom citations { source { title url } } } facts { field wording confidence citations { excerpt source { title url } } } citations { field confidence source { title url publisher } } commentaries { body stance saidOn { text } person { name affiliation } source { title url } } policyEvents { title kind date { text } } } } }"}]]
