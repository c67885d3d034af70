"""A fresh install of the default version and an install of 0.1.0 updated
to it give the same catalog, compared as pg_dump output.

The default version's install script is generated from sql/schema/*.sql;
the oldest install script kept in sql/ (0.1.0) reaches the default version
only through every update script. pg_dump --schema-only leaves out an extension's
member objects (CREATE EXTENSION makes them), but --binary-upgrade dumps
them, as pg_upgrade needs: every table, column, default, constraint, index,
type, function (its whole definition), comment, privilege (and initial
privilege), event trigger and configuration table. test/sql/upgrade.sql
compares object lists and function definitions; this compares everything
pg_dump knows.

Run: cd test/integration && python3 -m unittest -v test_upgrade
"""

import difflib
import os
import re
import subprocess
import unittest

from harness import PG_BIN, ClusterTestCase, EXTENSION_VERSION, as_server_user

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The oldest version with an install script of its own in sql/ (the default
# version's is generated into build/sql/): updating it to the default runs
# every update script.
OLDEST = min((tuple(map(int, m.group(1).split("."))) for f in os.listdir(os.path.join(ROOT, "sql"))
              if (m := re.fullmatch(r"pg_gateway--(\d+\.\d+\.\d+)\.sql", f))), default=None)
OLDEST = ".".join(map(str, OLDEST))

# What differs between the `pg_dump --binary-upgrade --schema-only` output
# of two databases that hold the same objects. Each is replaced by a
# placeholder rather than dropped, so that the number and the place of these
# lines (one OID call per table, index, TOAST table, type, ...) are still
# compared. Nothing else may differ: the dumps come from the same server and
# pg_dump, and name no database.
NORMALIZE = [
    # Object identity: pg_upgrade keeps the OIDs and relfilenodes of types,
    # array types, relations, indexes and TOAST tables through these calls.
    # Two databases number their objects independently (and the updated one
    # made and dropped 0.2.0's reflect(name[]) on the way), so they differ.
    (re.compile(r"^(SELECT pg_catalog\.binary_upgrade_set_next_\w+)\('\d+'::pg_catalog\.oid\);$"),
     r"\1('OID'::pg_catalog.oid);"),
    # The WAL position each column was created at (pg_attribute versions,
    # kept by pg_upgrade): where in the WAL each database made its tables.
    (re.compile(r"^(SELECT pg_catalog\.binary_upgrade_set_next_attribute_versions\(')([^']*)('.*)$"),
     lambda m: m[1] + re.sub(r"[0-9A-F]+/[0-9A-F]+", "LSN", m[2]) + m[3]),
    # Each relation's frozen transaction ids: they count the transactions the
    # database happened to run before creating it.
    (re.compile(r"^SET relfrozenxid = '\d+', relminmxid = '\d+'$"),
     "SET relfrozenxid = 'XID', relminmxid = 'MXID'"),
    # ... and a TOAST table's frozen ids are set by the TOAST table's OID.
    (re.compile(r"^WHERE oid = '\d+';$"), "WHERE oid = 'OID';"),
    # The extension's configuration tables (pg_extension.extconfig) as OIDs;
    # test_configuration_tables compares them by name, in order.
    (re.compile(r"^(SELECT pg_catalog\.binary_upgrade_create_empty_extension\(.*?, )'\{[\d,]*\}'(.*)$"),
     r"\1'{OIDS}'\2"),
    # psql's \restrict / \unrestrict key: random for each dump.
    (re.compile(r"^\\(un)?restrict \w+$"), r"\\\1restrict KEY"),
]


class FreshInstallEqualsUpdatedChain(ClusterTestCase):
    create_extension = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.cluster
        c.sql("CREATE DATABASE fresh")
        c.sql("CREATE DATABASE updated")
        c.sql("CREATE EXTENSION pg_gateway", db="fresh")
        c.sql(f"CREATE EXTENSION pg_gateway VERSION '{OLDEST}'", db="updated")
        c.sql("ALTER EXTENSION pg_gateway UPDATE", db="updated")

    def dump(self, db):
        c = self.cluster
        r = subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_dump"), "--binary-upgrade",
                                           "--schema-only", "-h", c.socket_dir, "-p",
                                           str(c.port), "-U", "postgres", "-d", db]),
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    @staticmethod
    def normalized(dump):
        """The dump's lines, with what NORMALIZE explains replaced."""
        lines = []
        for line in dump.splitlines():
            for pattern, replacement in NORMALIZE:
                line = pattern.sub(replacement, line)
            lines.append(line)
        return lines

    def test_installed_script_is_the_built_one(self):
        # What this compares is what make install installed: it should be
        # this tree's generated script (run make install after changing
        # sql/schema/).
        name = f"pg_gateway--{EXTENSION_VERSION}.sql"
        built = os.path.join(ROOT, "build", "sql", name)
        if not os.path.exists(built):
            self.skipTest("not built (run make)")
        pg_config = os.path.join(PG_BIN, "pg_config")
        sharedir = subprocess.run([pg_config if os.path.exists(pg_config) else "pg_config",
                                   "--sharedir"],
                                  capture_output=True, text=True, check=True).stdout.strip()
        with open(built) as b, open(os.path.join(sharedir, "extension", name)) as i:
            self.assertEqual(i.read(), b.read(), "installed " + name + " is not build/sql's")

    def test_versions(self):
        for db in ("fresh", "updated"):
            self.assertEqual(self.cluster.sql("SELECT extversion FROM pg_extension "
                                              "WHERE extname = 'pg_gateway'", db=db),
                             EXTENSION_VERSION)

    def test_configuration_tables(self):
        # pg_dump dumps their rows (routes, tasks, ...): same tables, same order.
        query = ("SELECT extconfig::regclass[]::text || ' ' || array_to_string(extcondition, ',') "
                 "FROM pg_extension WHERE extname = 'pg_gateway'")
        fresh = self.cluster.sql(query, db="fresh")
        self.assertTrue(fresh.startswith("{gateway.routes,"), fresh)
        self.assertEqual(self.cluster.sql(query, db="updated"), fresh)

    def test_dumps_are_equal(self):
        fresh = self.normalized(self.dump("fresh"))
        updated = self.normalized(self.dump("updated"))
        # The dump holds the extension's objects, not just the extension.
        text = "\n".join(fresh)
        self.assertIn("binary_upgrade_create_empty_extension('pg_gateway'", text)
        self.assertIn("CREATE TABLE gateway.jobs (", text)
        self.assertIn("ALTER EXTENSION pg_gateway ADD FUNCTION gateway.add_job(", text)
        self.assertIn("CREATE EVENT TRIGGER pg_gateway_schema_change", text)
        diff = list(difflib.unified_diff(fresh, updated, "fresh install of " + EXTENSION_VERSION,
                                         f"{OLDEST} updated to {EXTENSION_VERSION}", lineterm=""))
        if diff:
            self.fail("the dumps differ (after NORMALIZE):\n" + "\n".join(diff))


if __name__ == "__main__":
    unittest.main()
