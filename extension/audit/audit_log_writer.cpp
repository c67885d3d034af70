#include "extension/audit/audit_log_writer.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_am_d.h"
#include "commands/sequence.h"
#include "nodes/execnodes.h"
#include "partitioning/partbounds.h"
#include "partitioning/partdesc.h"
#include "utils/inval.h"
#include "utils/partcache.h"
#include "utils/rel.h"
}

#include <cstring>
#include <unordered_map>
#include <vector>

#include "extension/pg/catalog.hpp"
#include "extension/pg/guard.hpp"

namespace pg_gateway::audit_pg {

namespace {

// What the direct path knows about the log and each partition, until a
// relation cache invalidation of that relation (ALTER TABLE, a partition
// attached or dropped, new indexes or triggers).
Oid log_relid = InvalidOid;
Oid id_sequence = InvalidOid;
constexpr int kNotFilled = -1;  // a column of the partition no change fills (NULL)
constexpr int kIdColumn = -2;
// Per partition: for each attribute, which value fills it.
std::unordered_map<Oid, std::vector<int>> column_maps;
bool callback_registered = false;

void invalidate(Datum arg, Oid relid) {
  (void)arg;
  if (relid == InvalidOid || relid == log_relid) {
    log_relid = InvalidOid;
    id_sequence = InvalidOid;
  }
  // Only flags and erase: no allocation in a callback PostgreSQL runs.
  if (relid == InvalidOid)
    column_maps.clear();
  else
    column_maps.erase(relid);
}

void register_callback() {
  if (callback_registered) return;
  pg::call([] { CacheRegisterRelcacheCallback(invalidate, Datum(0)); });
  callback_registered = true;
}

const std::vector<int>& column_map(Relation partition) {
  Oid relid = RelationGetRelid(partition);
  auto found = column_maps.find(relid);
  if (found != column_maps.end()) return found->second;
  TupleDesc desc = RelationGetDescr(partition);
  std::vector<int> map(size_t(desc->natts), kNotFilled);
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped) continue;
    const char* name = NameStr(att->attname);
    if (strcmp(name, "id") == 0) map[size_t(i)] = kIdColumn;
    for (int c = 0; c < kLogColumns; ++c)
      if (strcmp(name, kLogColumnNames[c]) == 0) map[size_t(i)] = c;
  }
  return column_maps.emplace(relid, std::move(map)).first->second;
}

// The leaf partition of the log that takes a row of that time, as
// get_partition_for_tuple() routes it (one range key: at); InvalidOid when
// none does or the log is not laid out as gateway.maintain_partitions makes it.
Oid partition_for(Relation log, Datum at) {
  return pg::call([log, at] {
    PartitionKey key = RelationGetPartitionKey(log);
    if (!key || key->strategy != PARTITION_STRATEGY_RANGE || key->partnatts != 1)
      return InvalidOid;
    PartitionDesc desc = RelationGetPartitionDesc(log, true);
    PartitionBoundInfo bounds = desc->boundinfo;
    if (desc->nparts == 0 || !bounds) return InvalidOid;
    int index = -1;
    if (bounds->ndatums > 0) {
      bool equal = false;
      Datum values[1] = {at};
      int offset = partition_range_datum_bsearch(key->partsupfunc, key->partcollation, bounds, 1,
                                                 values, &equal);
      // The bound at offset is <= at, so the one after it is the upper
      // bound of the partition that holds at, if one does.
      index = bounds->indexes[offset + 1];
    }
    if (index < 0) index = bounds->default_index;
    if (index < 0 || !desc->is_leaf[index]) return InvalidOid;
    return desc->oids[index];
  });
}

// Whether the partition is as maintain_partitions creates it: heap
// storage, no triggers, and only indexes on plain columns that check
// uniqueness at once, which is what CatalogTupleInsertWithInfo maintains.
bool plain_partition(Relation partition, CatalogIndexState indexes) {
  if (partition->rd_rel->relam != HEAP_TABLE_AM_OID || partition->trigdesc != nullptr) return false;
  for (int i = 0; i < indexes->ri_NumIndices; ++i) {
    IndexInfo* info = indexes->ri_IndexRelationInfo[i];
    Relation index = indexes->ri_IndexRelationDescs[i];
    if (info->ii_Expressions != NIL || info->ii_Predicate != NIL || info->ii_ExclusionOps ||
        !index->rd_index->indimmediate)
      return false;
  }
  return true;
}

}  // namespace

Oid audit_log_relid() {
  register_callback();
  if (OidIsValid(log_relid)) return log_relid;
  Oid relid = pg::gateway_relation("audit_log");
  if (!OidIsValid(relid))
    throw pg::SqlError(ERRCODE_UNDEFINED_TABLE, "gateway.audit_log does not exist",
                       "The pg_gateway extension of this database is older than 0.6.0.",
                       "ALTER EXTENSION pg_gateway UPDATE;");
  log_relid = relid;
  return relid;
}

bool insert_directly(const Datum* values, const char* nulls) {
  Oid relid = audit_log_relid();
  if (!OidIsValid(id_sequence)) {
    id_sequence = pg::call([relid] {
      AttrNumber id = get_attnum(relid, "id");
      return id == InvalidAttrNumber ? InvalidOid : getIdentitySequence(relid, id, true);
    });
    if (!OidIsValid(id_sequence)) return false;
  }
  Relation log = pg::call([relid] { return table_open(relid, RowExclusiveLock); });
  Oid target = partition_for(log, values[0]);
  if (!OidIsValid(target)) {
    pg::call([log] { table_close(log, NoLock); });
    return false;
  }
  Relation partition = pg::call([target] { return table_open(target, RowExclusiveLock); });
  CatalogIndexState indexes = pg::call([partition] { return CatalogOpenIndexes(partition); });
  bool written = false;
  if (plain_partition(partition, indexes)) {
    const std::vector<int>& map = column_map(partition);
    Oid sequence = id_sequence;
    pg::call([&map, partition, indexes, values, nulls, sequence] {
      TupleDesc desc = RelationGetDescr(partition);
      Datum* row = static_cast<Datum*>(palloc0(sizeof(Datum) * size_t(desc->natts)));
      bool* row_nulls = static_cast<bool*>(palloc(sizeof(bool) * size_t(desc->natts)));
      for (int i = 0; i < desc->natts; ++i) {
        int source = map[size_t(i)];
        row_nulls[i] = true;
        if (source == kIdColumn) {
          row[i] = Int64GetDatum(nextval_internal(sequence, false));
          row_nulls[i] = false;
        } else if (source >= 0 && nulls[source] != 'n') {
          row[i] = values[source];
          row_nulls[i] = false;
        }
      }
      HeapTuple tuple = heap_form_tuple(desc, row, row_nulls);
      CatalogTupleInsertWithInfo(partition, tuple, indexes);
      heap_freetuple(tuple);
    });
    written = true;
  }
  pg::call([log, partition, indexes] {
    CatalogCloseIndexes(indexes);
    table_close(partition, NoLock);
    table_close(log, NoLock);
  });
  return written;
}

}  // namespace pg_gateway::audit_pg
