-- `changes` with `totalCount`.
dofile("bench/journalists/common.lua")
wrk.body = [[{"query":"{ changes(since: \"2000-01-01T00:00:00Z\", first: 20) { totalCount edges { node { id at kind recordType title changes { field before after } } } } }"}]]
