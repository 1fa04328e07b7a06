-- compare of 10 programs side by side, every row with its cells' values, states and sources.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"query":"{ compare(slugs: [\"bench-00001\", \"bench-00101\", \"bench-00201\", \"bench-00301\", \"bench-00401\", \"bench-00501\", \"bench-00601\", \"bench-00701\", \"bench-00801\", \"bench-00901\"]) { rows { attribute label cells { program value state note cited citations { confidence source { title url } } } } } }"}]]
