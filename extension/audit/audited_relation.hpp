// What the audit trigger knows about a table it fires on, and the jsonb it
// makes of that table's rows.
//
// Kept per trigger (each partition of an audited partitioned table fires its
// own clone of the trigger) until PostgreSQL invalidates the relation cache
// entry of the table or of its partition root: ALTER TABLE (columns added,
// dropped, renamed), a new primary key, enable_audit() re-creating the
// trigger with other arguments. So a write reads no catalog table, and the
// rows written after an ALTER TABLE have the table's new shape.
#pragma once

#include "extension/pg/pg_api.hpp"

extern "C" {
#include "commands/trigger.h"
}

#include <optional>
#include <string>
#include <vector>

namespace pg_gateway::audit_pg {

struct AuditedRelation {
  Oid trigger = InvalidOid;
  Oid relid = InvalidOid;      // the table the trigger fires on (a partition, maybe)
  Oid root = InvalidOid;       // the audited table: the partition root, or relid
  std::string schema;          // of root
  std::string name;            // of root
  bool log_statement = false;  // the trigger's first argument
  bool has_key = false;        // false if the primary key was dropped since enable_audit
  bool valid = false;
  MemoryContext context = nullptr;  // what follows lives here
  FmgrInfo* to_jsonb = nullptr;     // to_jsonb() for this table's row type
  Datum excluded_names = 0;         // text[] of the excluded columns; 0: none
  Datum non_key_names = 0;          // text[]: a row minus these is its record id
  std::vector<bool> excluded;       // per attribute (attnum - 1)
  std::vector<Datum> names;         // per attribute: its name as text
};

// The cached description of the trigger's table (built on first use).
const AuditedRelation& audited_relation(const TriggerData* td);

// The row as jsonb, without the excluded columns.
Datum row_jsonb(const AuditedRelation& rel, HeapTuple tuple, TupleDesc desc);

// The primary key part of a row_jsonb() result ({"id": 42}); nullopt when
// the table no longer has a primary key.
std::optional<Datum> record_id(const AuditedRelation& rel, Datum row);

// The attributes (0-based) an UPDATE left as they were, binary equal,
// excluded columns counted as unchanged; nullopt when nothing else changed
// either, and the update is not worth an audit row.
std::optional<std::vector<int>> unchanged_attributes(const AuditedRelation& rel, HeapTuple old_row,
                                                     HeapTuple new_row, TupleDesc desc);

// The changed columns' new values: new_row (a row_jsonb()) minus the
// unchanged attributes.
Datum changed_columns(const AuditedRelation& rel, Datum new_row, const std::vector<int>& unchanged);

}  // namespace pg_gateway::audit_pg
