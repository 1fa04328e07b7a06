#!/usr/bin/env python3
"""The public API under attack (issue 10's targets), measured against a running release server.

Run by bench/attack.sh, which starts the server on the benchmark database. Prints a Markdown
report:
1. the most expensive anonymous requests under 256 KB we could build: server CPU seconds, extra
   memory (peak RSS during the request minus before, and RSS after), wall time, status, code;
2. a light client's latency (10 requests/s) while another client floods the server (wrk);
3. 50 concurrent sign-ins for one account from one address: how many passwords were checked.
"""

import base64
import json
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE = os.environ["BASE"]
PID = int(os.environ["SERVER_PID"])
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds():
    with open(f"/proc/{PID}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_kb():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def post(body, client="10.9.9.9", timeout=60):
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        f"{BASE}/graphql",
        data=data,
        headers={"content-type": "application/json", "x-forwarded-for": client},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def code_of(raw):
    try:
        answer = json.loads(raw)
    except ValueError:
        return "(not JSON)"
    first = answer[0] if isinstance(answer, list) else answer
    errors = first.get("errors") or []
    return errors[0].get("extensions", {}).get("code", "(no code)") if errors else "ok"


def measure(name, body, client):
    size = len(json.dumps(body).encode())
    assert size < 256 * 1024, f"{name}: {size} bytes"
    time.sleep(1.0)  # let the previous request's memory settle
    before_rss, before_cpu = rss_kb(), cpu_seconds()
    peak = [before_rss]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    status, raw = post(body, client)
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    cpu = cpu_seconds() - before_cpu
    time.sleep(2.5)  # the server gives freed memory back within about 1.2 s of a heavy request
    after = rss_kb()
    print(
        f"| {name} | {size / 1024:.1f} KB | {status} {code_of(raw)} | {len(raw) / 1024:.0f} KB "
        f"| {cpu:.2f} | {(peak[0] - before_rss) / 1024:.1f} MB | {(after - before_rss) / 1024:+.1f} MB "
        f"| {wall:.2f} s |"
    )


def cursor(n):
    return base64.urlsafe_b64encode(f"offset:{n}".encode()).decode().rstrip("=")


def expensive():
    print("## 1. The most expensive anonymous requests under 256 KB\n")
    print("| request | size | status, code | answer | server CPU s | peak extra RSS | RSS 2.5 s after vs before | wall |")
    print("|---|---|---|---|---|---|---|---|")
    nested = (
        "name requirements { description citations { excerpt source { title url } } } "
        "fees { label citations { source { title } } } "
        "facts { wording citations { excerpt source { title url publisher } } } "
        "commentaries { body person { name } source { title } citations { source { title } } } "
        "policyEvents { title citations { source { title } } }"
    )
    eligibility = f"eligiblePrograms(profile: {{age: 30}}) {{ program {{ {nested} }} checks {{ reason }} }}"
    # The request: a batch of 10 operations, each 40 aliases of eligiblePrograms.
    op = " ".join(f"e{i}: {eligibility}" for i in range(40))
    measure("issue's attack: batch 10 x 40 aliases of eligiblePrograms, nested", [{"query": f"{{ {op} }}"}] * 10, "10.0.0.1")
    measure("one eligiblePrograms, nested", {"query": f"{{ {eligibility} }}"}, "10.0.0.2")
    measure("eligiblePrograms, name and checks", {"query": "{ eligiblePrograms(profile: {age: 30}) { program { name } checks { criterion outcome reason } } }"}, "10.0.0.3")
    detail = open("bench/detail.lua").read().split("program(slug: \\\"bench-01234\\\") {", 1)[1].rsplit("}", 3)[0].replace('\\"', '"')
    pages = " ".join(f"p{i}: programs(first: 100, after: \"{cursor(i * 100)}\") {{ nodes {{ {detail} }} }}" for i in range(3))
    measure("3 aliased pages of 100 programs with everything (as (b))", {"query": f"{{ {pages} }}"}, "10.0.0.8")
    page = f"programs(first: 100) {{ nodes {{ {nested} }} }}"
    measure("programs(first: 100), everything nested", {"query": f"{{ {page} }}"}, "10.0.0.4")
    many = " ".join(f"p{i}: programs(first: 100, after: \"{cursor(i * 100)}\") {{ nodes {{ name summary requirements {{ description }} }} }}" for i in range(20))
    measure("20 aliased pages of 100 with requirements", {"query": f"{{ {many} }}"}, "10.0.0.5")
    light = " ".join(f"p{i}: programs(first: 100, after: \"{cursor(i * 100)}\") {{ nodes {{ name summary }} }}" for i in range(20))
    measure("20 aliased pages of 100, name and summary", {"query": f"{{ {light} }}"}, "10.0.0.6")
    search = " ".join(f"s{i}: search(query: \"bench\", first: 100) {{ nodes {{ snippet score }} }}" for i in range(20))
    measure("20 aliased searches of 100", {"query": f"{{ {search} }}"}, "10.0.0.7")
    print()


def light(label):
    """A light client: 10 requests/s for 20 s (bench/attack.sh floods from another address)."""
    detail = open("bench/detail.lua").read().split("[[", 1)[1].rsplit("]]", 1)[0]
    body = json.loads(detail)
    latencies, statuses = [], {}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        started = time.monotonic()
        status, _ = post(body, "10.7.7.7", timeout=10)
        latencies.append((time.monotonic() - started) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        time.sleep(max(0, 0.1 - (time.monotonic() - started)))
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(
        f"| {label} | {len(latencies)} | {statuses} | {statistics.median(latencies):.1f} ms "
        f"| {p99:.1f} ms | {max(latencies):.1f} ms |"
    )


def logins():
    print("## 3. 50 concurrent sign-ins for one account from one address\n")
    query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"

    def one(i):
        return post({"query": query, "variables": {"e": "target@example.org", "p": f"guess-{i}"}}, "10.5.5.5")

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(one, range(50)))
    codes = {}
    for status, raw in answers:
        key = f"{status} {code_of(raw)}"
        codes[key] = codes.get(key, 0) + 1
    print(f"Answers: {codes}. Passwords checked (UNAUTHENTICATED): {codes.get('200 UNAUTHENTICATED', 0)}; the limit is 5.\n")


if __name__ == "__main__":
    part = sys.argv[1]
    if part == "expensive":
        expensive()
    elif part == "light":
        light(sys.argv[2])
    elif part == "logins":
        logins()
