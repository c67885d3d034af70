"""Packaging checks that need no server: META.json against the PGXN Meta
Spec 1.0.0 (required keys, value forms), and agreement between META.json,
the control file, the install scripts and the Makefile."""

import json
import os
import re
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")
# License keywords listed by PGXN Meta Spec 1.0.0.
LICENSES = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
            "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
            "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0",
            "ssleay", "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown"}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


class MetaJson(unittest.TestCase):
    def setUp(self):
        self.meta = json.loads(read("META.json"))

    def test_required_keys(self):
        for key in ("name", "abstract", "maintainer", "license", "provides", "meta-spec",
                    "version"):
            self.assertIn(key, self.meta)
        self.assertEqual(self.meta["meta-spec"]["version"], "1.0.0")
        self.assertRegex(self.meta["name"], r"^[^/\\\s]{2,}$")

    def test_values(self):
        self.assertRegex(self.meta["version"], SEMVER)
        lic = self.meta["license"]
        for item in (lic if isinstance(lic, list) else [lic]):
            if isinstance(item, str):
                self.assertIn(item, LICENSES)
        self.assertTrue(self.meta["maintainer"])
        for name, p in self.meta["provides"].items():
            self.assertIn("file", p, name)
            self.assertIn("version", p, name)
            self.assertRegex(p["version"], SEMVER)
            self.assertTrue(os.path.exists(os.path.join(ROOT, p["file"])), p["file"])
            if "docfile" in p:
                self.assertTrue(os.path.exists(os.path.join(ROOT, p["docfile"])), p["docfile"])
        for phase, rels in self.meta.get("prereqs", {}).items():
            self.assertIn(phase, PHASES)
            for rel, reqs in rels.items():
                self.assertIn(rel, RELATIONS)
                for v in reqs.values():
                    self.assertRegex(v, r"^(0|[<>=!]=?\s*)?[0-9.]+", v)
        if "release_status" in self.meta:
            self.assertIn(self.meta["release_status"], {"stable", "testing", "unstable"})

    def test_versions_agree_with_control_and_scripts(self):
        control = read("pg_gateway.control")
        default = re.search(r"default_version\s*=\s*'([^']+)'", control).group(1)
        self.assertEqual(default, self.meta["version"])
        self.assertEqual(self.meta["provides"]["pg_gateway"]["version"], default)
        # CREATE EXTENSION installs the default version from its own script,
        # or, as PostgreSQL's contrib modules do, from an older version's
        # install script followed by update scripts.
        scripts = os.listdir(os.path.join(ROOT, "sql"))
        installs = {m.group(1) for f in scripts
                    if (m := re.fullmatch(r"pg_gateway--([^-]+)\.sql", f))}
        updates = {}
        for f in scripts:
            if (m := re.fullmatch(r"pg_gateway--([^-]+)--([^-]+)\.sql", f)):
                updates.setdefault(m.group(1), set()).add(m.group(2))
        def reachable_from(versions):
            reached, pending = set(versions), list(versions)
            while pending:
                for nxt in updates.get(pending.pop(), ()):
                    if nxt not in reached:
                        reached.add(nxt)
                        pending.append(nxt)
            return reached
        self.assertIn(default, reachable_from(installs),
                      "no install script or update path reaches " + default)
        # Every version ever installed updates to the default.
        for version in installs:
            self.assertIn(default, reachable_from({version}),
                          f"{version} cannot be updated to {default}")

if __name__ == "__main__":
    unittest.main()
