-- `changes(since:)`: the newest 20 public changes since a date before the data set, with diffs.
dofile("bench/journalists/common.lua")
wrk.body = [[{"query":"{ changes(since: \"2000-01-01T00:00:00Z\", first: 20) { edges { node { id at kind recordType recordId title version summary changes { field before after } } } pageInfo { hasNextPage endCursor } } }"}]]
