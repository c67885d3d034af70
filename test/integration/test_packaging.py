"""Packaging checks that need no server: META.json against the PGXN Meta
Spec 1.0.0 (required keys, value forms), and agreement between META.json,
the control file, the install scripts and the Makefile, which generates the
default version's install script from sql/schema/*.sql."""

import glob
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
        installs, updates = install_and_update_scripts()
        # The generated install script is the default version's.
        self.assertIn(default, installs, "no install script for " + default)
        def reachable_from(versions):
            reached, pending = set(versions), list(versions)
            while pending:
                for nxt in updates.get(pending.pop(), ()):
                    if nxt not in reached:
                        reached.add(nxt)
                        pending.append(nxt)
            return reached
        # Every version an update script names can be installed: from its own
        # install script or from an older one and updates.
        versions = set(updates) | {v for to in updates.values() for v in to}
        self.assertEqual(versions - reachable_from(installs), set(),
                         "versions no install script leads to")
        # Every version ever installed updates to the default.
        for version in installs | versions:
            self.assertIn(default, reachable_from({version}),
                          f"{version} cannot be updated to {default}")


def makefile_variable(name):
    """The value of NAME = ... (or :=) in the Makefile, continuation lines joined."""
    text = read("Makefile").replace("\\\n", " ")
    m = re.search(rf"^{name}\s*:?=\s*(.*)$", text, re.M)
    return m.group(1).strip() if m else None


def generated_install_script():
    """The path (relative to ROOT) of the install script make generates from
    sql/schema/, with the Makefile's $(EXTENSION) and $(EXTVERSION) filled in."""
    control = read("pg_gateway.control")
    version = re.search(r"default_version\s*=\s*'([^']+)'", control).group(1)
    built = makefile_variable("DATA_built").split()[0]
    return built.replace("$(EXTENSION)", "pg_gateway").replace("$(EXTVERSION)", version)


def generated_scripts():
    """Every script make generates (DATA_built), base names, filled in."""
    control = read("pg_gateway.control")
    version = re.search(r"default_version\s*=\s*'([^']+)'", control).group(1)
    return [os.path.basename(b.replace("$(EXTENSION)", "pg_gateway").replace("$(EXTVERSION)", version))
            for b in makefile_variable("DATA_built").split()]


def install_and_update_scripts():
    """({versions with an install script}, {from: {to, ...}}) over what make
    install installs: the hand-written scripts in sql/ and the generated one."""
    scripts = os.listdir(os.path.join(ROOT, "sql")) + generated_scripts()
    installs = {m.group(1) for f in scripts
                if (m := re.fullmatch(r"pg_gateway--([^-]+)\.sql", f))}
    updates = {}
    for f in scripts:
        if (m := re.fullmatch(r"pg_gateway--([^-]+)--([^-]+)\.sql", f)):
            updates.setdefault(m.group(1), set()).add(m.group(2))
    return installs, updates


class GeneratedInstallScript(unittest.TestCase):
    """The default version's install script is generated by make from
    sql/schema/*.sql (SCHEMA_SOURCES, in that order)."""

    def setUp(self):
        self.sources = makefile_variable("SCHEMA_SOURCES").split()

    def test_makefile_generates_the_default_versions_script(self):
        self.assertEqual(makefile_variable("DATA_built").split()[0],
                         "build/sql/$(EXTENSION)--$(EXTVERSION).sql")
        # EXTVERSION is read from the control file, so the two cannot disagree.
        self.assertIn("pg_gateway.control", makefile_variable("EXTVERSION").replace(
            "$(EXTENSION)", "pg_gateway"))

    def test_every_schema_source_is_listed_once(self):
        on_disk = sorted("sql/schema/" + f for f in os.listdir(os.path.join(ROOT, "sql", "schema")))
        self.assertEqual(sorted(self.sources), on_disk)
        self.assertEqual(len(set(self.sources)), len(self.sources))

    def test_each_source_says_what_it_holds(self):
        for path in self.sources:
            self.assertTrue(read(path).startswith("-- "), path + " starts with a comment")
        # The guard against \i in psql comes before any statement.
        first = read(self.sources[0])
        statements = [l for l in first.splitlines() if l.strip() and not l.startswith("--")]
        self.assertTrue(statements[0].startswith("\\echo Use \"CREATE EXTENSION pg_gateway\""),
                        statements[0])

    def test_data_installs_the_scripts_but_not_the_sources(self):
        # DATA = $(wildcard ...): what make install copies besides DATA_built.
        pattern = re.fullmatch(r"\$\(wildcard (\S+)\)", makefile_variable("DATA")).group(1)
        data = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, pattern)))
        self.assertTrue(data)
        for path in data:
            self.assertRegex(os.path.basename(path), r"^pg_gateway--[^/]+\.sql$")
            self.assertNotIn(path, self.sources)
        self.assertNotIn(generated_install_script(), data)

    def test_generated_script_is_the_sources_in_order(self):
        path = os.path.join(ROOT, generated_install_script())
        if not os.path.exists(path):
            self.skipTest("not built (run make)")
        with open(path) as f:
            text = f.read()
        self.assertTrue(text.startswith("-- pg_gateway "), text[:100])
        self.assertIn("generated from sql/schema/*.sql by make; edit those", text.splitlines()[0])
        offset = 0
        for source in self.sources:
            at = text.find(read(source), offset)
            self.assertGreaterEqual(at, offset, f"{source} is not in {path} after its predecessors "
                                                "(run make)")
            offset = at + len(read(source))


if __name__ == "__main__":
    unittest.main()
