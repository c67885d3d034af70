#include "extension/audit/audited_relation.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/partition.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/rel.h"
#include "utils/relcache.h"
}

#include <cstring>
#include <unordered_map>

#include "extension/pg/guard.hpp"

namespace pg_gateway::audit_pg {

namespace {

std::unordered_map<Oid, AuditedRelation> relations;  // by trigger OID
bool callback_registered = false;

// A relation cache invalidation: a change to the table (or, for InvalidOid,
// to anything) makes its entries stale; they are rebuilt at the next row.
// Called by PostgreSQL from C: only flags change here, nothing allocates.
void invalidate(Datum arg, Oid relid) {
  (void)arg;
  for (auto& [trigger, rel] : relations)
    if (relid == InvalidOid || rel.relid == relid || rel.root == relid) rel.valid = false;
}

// A text[] of the given names, built in the current memory context.
Datum text_array(const std::vector<Datum>& texts) {
  return pg::call([&texts] {
    return PointerGetDatum(construct_array(const_cast<Datum*>(texts.data()), int(texts.size()),
                                           TEXTOID, -1, false, TYPALIGN_INT));
  });
}

// Everything describing the table, in its own context (the old one, from
// before an invalidation, is freed first).
void build(AuditedRelation& rel, const TriggerData* td) {
  if (rel.context) {
    MemoryContext old = rel.context;
    pg::call([old] { MemoryContextDelete(old); });
  }
  rel = AuditedRelation();
  Relation relation = td->tg_relation;
  rel.trigger = td->tg_trigger->tgoid;
  rel.relid = RelationGetRelid(relation);
  rel.context = pg::call([] {
    return AllocSetContextCreate(CacheMemoryContext, "pg_gateway audited relation",
                                 ALLOCSET_SMALL_SIZES);
  });
  MemoryContext caller = pg::call([&rel] { return MemoryContextSwitchTo(rel.context); });
  try {
    rel.root = rel.relid;
    if (relation->rd_rel->relispartition)
      rel.root = pg::call([&rel] { return llast_oid(get_partition_ancestors(rel.relid)); });
    Oid root = rel.root;
    const char* schema = pg::call([root] { return get_namespace_name(get_rel_namespace(root)); });
    const char* name = pg::call([root] { return get_rel_name(root); });
    rel.schema = schema ? schema : "";
    rel.name = name ? name : "";

    const Trigger* trigger = td->tg_trigger;
    rel.log_statement = trigger->tgnargs > 0 && strcmp(trigger->tgargs[0], "t") == 0;
    TupleDesc desc = RelationGetDescr(relation);
    Bitmapset* key = pg::call(
        [relation] { return RelationGetIndexAttrBitmap(relation, INDEX_ATTR_BITMAP_PRIMARY_KEY); });
    rel.has_key = key != nullptr;
    std::vector<Datum> excluded_names, non_key_names;
    for (int i = 0; i < desc->natts; ++i) {
      Form_pg_attribute att = TupleDescAttr(desc, i);
      const char* attname = NameStr(att->attname);
      rel.names.push_back(pg::call([attname] { return CStringGetTextDatum(attname); }));
      bool excluded = false;
      if (!att->attisdropped)
        for (int a = 1; a < trigger->tgnargs; ++a)
          if (strcmp(trigger->tgargs[a], attname) == 0) excluded = true;
      rel.excluded.push_back(excluded);
      if (att->attisdropped) continue;
      if (excluded) excluded_names.push_back(rel.names.back());
      int member = att->attnum - FirstLowInvalidHeapAttributeNumber;
      if (!pg::call([key, member] { return bms_is_member(member, key); }))
        non_key_names.push_back(rel.names.back());
    }
    if (!excluded_names.empty()) rel.excluded_names = text_array(excluded_names);
    rel.non_key_names = text_array(non_key_names);

    // to_jsonb(anyelement) finds its argument's type in the call
    // expression; this one says "a row of this table".
    Oid rowtype = desc->tdtypeid;
    rel.to_jsonb = pg::call([rowtype] {
      FmgrInfo* f = static_cast<FmgrInfo*>(palloc0(sizeof(FmgrInfo)));
      fmgr_info_cxt(F_TO_JSONB, f, CurrentMemoryContext);
      f->fn_expr = reinterpret_cast<Node*>(
          makeFuncExpr(F_TO_JSONB, JSONBOID, list_make1(makeNullConst(rowtype, -1, InvalidOid)),
                       InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL));
      return f;
    });
  } catch (...) {
    pg::call([caller] { MemoryContextSwitchTo(caller); });
    throw;
  }
  pg::call([caller] { MemoryContextSwitchTo(caller); });
  rel.valid = true;
}

}  // namespace

const AuditedRelation& audited_relation(const TriggerData* td) {
  if (!callback_registered) {
    pg::call([] { CacheRegisterRelcacheCallback(invalidate, Datum(0)); });
    callback_registered = true;
  }
  AuditedRelation& rel = relations[td->tg_trigger->tgoid];
  if (!rel.valid) build(rel, td);
  return rel;
}

Datum row_jsonb(const AuditedRelation& rel, HeapTuple tuple, TupleDesc desc) {
  return pg::call([&rel, tuple, desc] {
    Datum row = FunctionCall1(rel.to_jsonb, heap_copy_tuple_as_datum(tuple, desc));
    if (rel.excluded_names) row = DirectFunctionCall2(jsonb_delete_array, row, rel.excluded_names);
    return row;
  });
}

std::optional<Datum> record_id(const AuditedRelation& rel, Datum row) {
  if (!rel.has_key) return std::nullopt;
  return pg::call(
      [&rel, row] { return DirectFunctionCall2(jsonb_delete_array, row, rel.non_key_names); });
}

std::optional<std::vector<int>> unchanged_attributes(const AuditedRelation& rel, HeapTuple old_row,
                                                     HeapTuple new_row, TupleDesc desc) {
  std::vector<int> unchanged;
  bool changed = false;
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped) continue;
    if (rel.excluded[size_t(i)]) continue;  // already absent from the jsonb
    int attnum = i + 1;
    bool same = pg::call([=] {
      bool old_null, new_null;
      Datum a = heap_getattr(old_row, attnum, desc, &old_null);
      Datum b = heap_getattr(new_row, attnum, desc, &new_null);
      if (old_null || new_null) return old_null == new_null;
      return datum_image_eq(a, b, att->attbyval, att->attlen);
    });
    if (same)
      unchanged.push_back(i);
    else
      changed = true;
  }
  if (!changed) return std::nullopt;
  return unchanged;
}

Datum changed_columns(const AuditedRelation& rel, Datum new_row,
                      const std::vector<int>& unchanged) {
  if (unchanged.empty()) return new_row;
  std::vector<Datum> names;
  names.reserve(unchanged.size());
  for (int i : unchanged) names.push_back(rel.names[size_t(i)]);
  Datum keys = text_array(names);
  return pg::call(
      [new_row, keys] { return DirectFunctionCall2(jsonb_delete_array, new_row, keys); });
}

}  // namespace pg_gateway::audit_pg
