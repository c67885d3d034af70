#!/usr/bin/env python3
"""Runs the compatibility cases (queries/ -> expected/) against pg_gateway and
reports which answers differ from PostGraphile's.

  run_compat.py --url http://127.0.0.1:8080/graphql        through the HTTP worker
  run_compat.py --tool build/graphql_run --conninfo "..." --catalog catalog.json
                                                            through the core over libpq
Options: -k PATTERN (only cases whose name contains it), -v (print diffs),
--status (also require PostGraphile's HTTP status; --url only).
Exit status 0 when every selected case matches."""

import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compare import load_cases, normalize  # noqa: E402


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json",
        "Accept": "application/graphql-response+json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, {"raw": raw.decode(errors="replace")}


def run_tool(args, cases):
    lines = "".join(json.dumps(c.request) + "\n" for c in cases)
    cmd = [args.tool, args.conninfo, args.catalog, "--mask"]
    out = subprocess.run(cmd, input=lines, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        sys.exit("graphql_run failed: " + out.stderr[-2000:])
    answers = out.stdout.splitlines()
    return [(None, json.loads(a)) for a in answers]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url")
    p.add_argument("--tool")
    p.add_argument("--conninfo")
    p.add_argument("--catalog")
    p.add_argument("-k", default="")
    p.add_argument("-v", action="store_true")
    p.add_argument("--status", action="store_true")
    args = p.parse_args()
    cases = [c for c in load_cases() if args.k in c.name]
    if args.url:
        answers = [post(args.url, c.request) for c in cases]
    else:
        answers = run_tool(args, cases)
    failed = []
    for case, (status, body) in zip(cases, answers):
        ok = normalize(body) == case.expected
        if ok and args.status and status != case.http_status:
            ok = False
        if not ok:
            failed.append(case.name)
            if args.v:
                print(f"--- {case.name} (status {status}, expected {case.http_status})")
                print("expected:", json.dumps(case.expected, ensure_ascii=False)[:1500])
                print("actual:  ", json.dumps(normalize(body), ensure_ascii=False)[:1500])
    print(f"compat: {len(cases) - len(failed)}/{len(cases)} match PostGraphile")
    for name in failed:
        print("  differs:", name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
