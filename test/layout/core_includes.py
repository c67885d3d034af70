#!/usr/bin/env python3
"""The include arrows of core/, enforced (run by ctest as core_include_arrows).

Reads every #include of every file under core/ and fails, listing the
offending lines, when
  - a core file includes a project header that is not in core/ (a quoted
    include not spelled "core/...", or a <...> include that names a file of
    this repository); PostgreSQL's headers are refused at compile time
    instead (core/core_zone.hpp, proved by test/compile_fail);
  - a "core/..." include names a file that does not exist;
  - an include crosses from one folder of core/ to another along an arrow
    that ALLOWED below does not list, or names a header that the arrow's
    list of headers does not;
  - a header that an arrow is narrowed to (a leaf such as
    core/http/fields.hpp) includes another core header, which would bring
    the rest of its folder back along the narrow arrow;
  - the folder-level graph of the includes has a cycle.
A folder is the first directory under core/ (core/graphql/sql counts as
graphql); includes inside one folder are free. core/core_zone.hpp is the
root every core file includes, and it includes nothing of core/.

  python3 test/layout/core_includes.py [ROOT]           check
  python3 test/layout/core_includes.py [ROOT] --arrows  print today's arrows
"""
import re
import sys
from pathlib import Path

# (from folder, to folder): (why, headers of the target folder the arrow may
# reach, or None for any). Lower layers first. A new arrow needs a reason
# here; one that would close a cycle is refused whatever the table says.
ALLOWED = {
    # util: base64, sha256, hmac, utf8, request ids, clock; includes no other folder.
    ("json", "util"): ("the JSON reader and writer validate and escape UTF-8", None),
    ("http", "util"): ("request ids, fault injection for the server loop", None),
    ("http", "json"): ("JSON error bodies and request documents", None),
    ("signing", "util"): ("Standard Webhooks signatures: HMAC-SHA256, base64", None),
    ("signing", "http"): ("webhook headers are http::Header values",
                          {"core/http/fields.hpp"}),
    ("auth", "util"): ("JWT: base64url, HMAC", None),
    ("auth", "json"): ("JWT claims and JWKs are JSON", None),
    ("auth", "http"): ("bearer tokens and CSRF checks read the HTTP request and the CORS policy",
                       None),
    ("catalog", "json"): ("the catalog is read from gateway.reflect()'s JSON", None),
    ("jobs", "util"): ("UTF-8 checks, base64 and sha256 for MIME and message ids", None),
    ("jobs", "json"): ("task payloads are JSON; transfer results are written as JSON", None),
    ("jobs", "signing"): ("http tasks can be signed as Standard Webhooks", None),
    ("jobs", "http"): ("task and e-mail header fields are http::Header with RFC 9110 helpers; "
                       "the jobs never parse or serve HTTP messages",
                       {"core/http/fields.hpp"}),
    ("graphql", "util"): ("UTF-8 in the lexer, base64 and sha256 for ids, cursors, documents",
                          None),
    ("graphql", "json"): ("variables and responses are JSON", None),
    ("graphql", "naming"): ("the schema builder names types and fields like PostGraphile", None),
    ("graphql", "catalog"): ("the schema is built from the reflected catalog", None),
    ("graphql", "http"): ("GraphQL over HTTP: the transport reads requests, writes responses",
                          None),
    ("webhooks", "util"): ("inbound webhook signatures: HMAC-SHA256, SHA-256, base64, "
                           "constant-time comparison", None),
    ("webhooks", "http"): ("a signed request's headers are http::Header values; form bodies "
                           "are decoded like query strings (request_document)", None),
    ("webhooks", "json"): ("Stripe's and Slack's event ids are read from the JSON body", None),
    ("webhooks", "signing"): ("Standard Webhooks v1 secrets are parsed as the outbound signer "
                              "parses them", None),
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
ROOT_HEADER = "core/core_zone.hpp"


def folder_of(core_path):
    """'core/graphql/sql/compiler.hpp' -> 'graphql'; 'core/core_zone.hpp' -> None."""
    parts = core_path.split("/")
    return parts[1] if len(parts) > 2 else None


def scan(root):
    """Yields (file, line number, line, '<' or '"', included name) for core/."""
    for path in sorted((root / "core").rglob("*")):
        if path.suffix not in (".hpp", ".cpp", ".h", ".inc") or not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = INCLUDE.match(line)
            if m:
                yield rel, n, line.strip(), m.group(1), m.group(2)


def find_cycle(edges):
    """A list of folders forming a cycle in {from: {to}}, or None."""
    state = {}  # folder -> "open" while on the DFS stack, "done" after

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, stack)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    root = Path(args[0]) if args else Path(__file__).resolve().parents[2]
    errors = []
    arrows = {}  # (from, to) -> [(file, line number, line)]
    leaves = {h for _, only in ALLOWED.values() if only for h in only}

    for rel, n, line, kind, name in scan(root):
        where = f"{rel}:{n}: {line}"
        if kind == "<":
            if (root / name).is_file():
                errors.append(f"{where}\n    a project header in <>; core includes core/ only")
            continue
        if not name.startswith("core/"):
            errors.append(f"{where}\n    includes something outside core/")
            continue
        if not (root / name).is_file():
            errors.append(f"{where}\n    no such file")
            continue
        src, dst = folder_of(rel), folder_of(name)
        if name == ROOT_HEADER:
            continue
        if rel in leaves:
            errors.append(f"{where}\n    {rel} is a leaf (an arrow is narrowed to it): "
                          f"it includes no core header but {ROOT_HEADER}")
            continue
        if src is None:
            errors.append(f"{where}\n    {ROOT_HEADER} must include nothing of core/")
            continue
        if dst is None:
            errors.append(f"{where}\n    core/ has no shared top-level headers but {ROOT_HEADER}")
            continue
        if src == dst:
            continue
        arrows.setdefault((src, dst), []).append(where)
        rule = ALLOWED.get((src, dst))
        if rule is None:
            errors.append(f"{where}\n    arrow {src} -> {dst} is not in ALLOWED "
                          f"({Path(__file__).name}); add it with a reason if it is intended")
        elif rule[1] is not None and name not in rule[1]:
            errors.append(f"{where}\n    arrow {src} -> {dst} may reach only "
                          f"{', '.join(sorted(rule[1]))}")

    edges = {}
    for src, dst in arrows:
        edges.setdefault(src, set()).add(dst)
    cycle = find_cycle(edges)
    if cycle:
        lines = [f"folder include cycle: {' -> '.join(cycle)}"]
        for a, b in zip(cycle, cycle[1:]):
            lines += [f"    {w}" for w in arrows[(a, b)]]
        errors.append("\n".join(lines))

    if "--arrows" in argv:
        for (src, dst), wheres in sorted(arrows.items()):
            print(f"{src} -> {dst}  ({len(wheres)} includes)")

    if errors:
        print(f"core/ include arrows: {len(errors)} problem(s)", file=sys.stderr)
        for e in errors:
            print(e, file=sys.stderr)
        return 1
    unused = sorted(set(ALLOWED) - set(arrows))
    print(f"core/ include arrows: {len(arrows)} folder arrows, all allowed, no cycle"
          + (f" (allowed but unused: {', '.join(f'{a} -> {b}' for a, b in unused)})"
             if unused else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
