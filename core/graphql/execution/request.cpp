#include "core/graphql/execution/request.hpp"

#include <array>

#include "core/graphql/execution/collect_fields.hpp"
#include "core/graphql/execution/introspection.hpp"
#include "core/graphql/execution/response_plan.hpp"
#include "core/graphql/execution/values.hpp"
#include "core/graphql/parser.hpp"
#include "core/graphql/sql/compiler.hpp"
#include "core/graphql/validation/validate.hpp"
#include "core/util/base64.hpp"
#include "core/util/sha256.hpp"

namespace pg_gateway::graphql::exec {

ServedSchema::ServedSchema() = default;
ServedSchema::~ServedSchema() = default;

std::shared_ptr<const ServedSchema> ServedSchema::from_catalog(catalog::Catalog catalog,
                                                               const build::BuildOptions& options) {
  auto s = std::make_shared<ServedSchema>();
  s->catalog_ = std::make_unique<catalog::Catalog>(std::move(catalog));
  s->catalog_->index();
  s->built_ = build::build_schema(*s->catalog_, options);
  s->introspection_ = std::make_unique<IntrospectionIndex>(s->built_.schema);
  return s;
}

std::shared_ptr<const ServedSchema> ServedSchema::from_reflection_json(
    std::string_view json_text, const build::BuildOptions& options) {
  return from_catalog(catalog::from_reflection_json(json_text), options);
}

namespace {

std::string sql_error_text(const SqlError& e) {
  return e.sqlstate + "\n" + e.message + "\n" + e.detail;
}

}  // namespace

MaskKey mask_key(std::string_view text) {
  std::array<uint8_t, 32> digest = util::sha256(text);
  std::string b64 =
      util::base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 32));
  for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c == '=' ? 'A' : c;
  return MaskKey{b64.substr(0, 27), b64.substr(27, 10)};
}

MaskKey mask_key(const SqlError& error) { return mask_key(sql_error_text(error)); }

PreparedRequest::PreparedRequest() = default;
PreparedRequest::~PreparedRequest() = default;
PreparedRequest::PreparedRequest(PreparedRequest&&) noexcept = default;
PreparedRequest& PreparedRequest::operator=(PreparedRequest&&) noexcept = default;

namespace {

SourceLocation location_of(const Location& loc) { return SourceLocation{loc.line, loc.column}; }

// graphql-js's getOperation(): the named one, or the only one.
const OperationDefinition* select_operation(const Document& doc,
                                            std::optional<std::string_view> name,
                                            std::vector<Error>& errors) {
  const OperationDefinition* found = nullptr;
  for (const Definition& d : doc.definitions) {
    const OperationDefinition* op = d.as<OperationDefinition>();
    if (!op) continue;
    if (!name) {
      if (found) {
        errors.push_back(Error{
            "Must provide operation name if query contains multiple operations.", {}, {}, {}});
        return nullptr;
      }
      found = op;
    } else if (op->name && op->name->value == *name) {
      found = op;
    }
  }
  if (!found)
    errors.push_back(Error{name ? "Unknown operation named \"" + std::string(*name) + "\"."
                                : std::string("Must provide an operation."),
                           {},
                           {},
                           {}});
  return found;
}

// Whether the root selection set (through fragments) has __schema or
// __type, the introspection entry points; the depth guard is a backstop
// (validation refuses fragment cycles).
bool asks_for_introspection(const SelectionSet& set, const FragmentMap& fragments, int depth) {
  if (depth > 64) return false;
  for (const Selection& s : set.selections) {
    if (const Field* f = s.as<Field>()) {
      if (f->name.value == "__schema" || f->name.value == "__type") return true;
    } else if (const InlineFragment* in = s.as<InlineFragment>()) {
      if (asks_for_introspection(in->selection_set, fragments, depth + 1)) return true;
    } else if (const FragmentSpread* spread = s.as<FragmentSpread>()) {
      auto it = fragments.find(spread->name.value);
      if (it != fragments.end() &&
          asks_for_introspection(it->second->selection_set, fragments, depth + 1))
        return true;
    }
  }
  return false;
}

// Whether a field's type is the JWT scalar (pg_gateway.jwt_type).
bool is_jwt_field(const ServedSchema& schema, const std::string& type, const std::string& field) {
  const std::string& jwt = schema.built().jwt_scalar;
  if (jwt.empty()) return false;
  const schema::NamedType* t = schema.schema().find(type);
  const schema::Field* f = t ? t->field(field) : nullptr;
  return f && f->type.name == jwt;
}

// Everything prepare() needs while it walks the operation.
struct Planner {
  const ServedSchema& schema;
  const FragmentMap& fragments;
  const VariableValues& variables;
  sql::Params& params;
  sql::Compiler& compiler;
  std::vector<std::string> columns;  // json expressions, one per SQL-backed field
  std::vector<Error> field_errors;   // introspection's, in field order (before SQL ones)
  bool data_is_null = false;

  // The members of an object of type Query (the root or `query { ... }`).
  ResponseNode query_object(const std::vector<FieldGroup>& groups, std::vector<PathSegment> path) {
    ResponseNode node;
    node.kind = ResponseNode::Kind::kObject;
    const build::ObjectPlan& query_plan = schema.built().objects.at(schema.schema().query_type);
    for (const FieldGroup& group : groups) {
      std::vector<PathSegment> field_path = path;
      field_path.emplace_back(group.response_key);
      node.add(group.response_key, query_field(query_plan, group, field_path));
    }
    return node;
  }

  ResponseNode literal(std::string json) {
    ResponseNode n;
    n.literal = std::move(json);
    return n;
  }

  // A member whose value is the next column of the statement, `sql`.
  ResponseNode column(std::string sql, std::vector<PathSegment> path,
                      std::vector<SourceLocation> locations, bool jwt = false) {
    ResponseNode n;
    n.kind = ResponseNode::Kind::kColumn;
    n.jwt = jwt;
    n.column = columns.size();
    n.path = std::move(path);
    n.locations = std::move(locations);
    columns.push_back(std::move(sql));
    return n;
  }

  // node(id: "query"): Query is a Node whose id is "query" (its `id`
  // field), so fetching that id gives the Query object, as PostGraphile's
  // Node interface does; no SQL. Any other id is a row's (compiler).
  bool is_query_node(const FieldGroup& group) const {
    if (group.first().name.value != "node") return false;
    const schema::NamedType* query = schema.schema().find(schema.schema().query_type);
    const schema::Field* def = query ? query->field("node") : nullptr;
    if (!def) return false;
    std::map<std::string, json::Value, std::less<>> args;
    if (coerce_argument_values(schema.schema(), *def, group.first(), variables, args)) return false;
    auto id = args.find("id");
    return id != args.end() && id->second.is_string() && id->second.text() == "query";
  }

  ResponseNode query_field(const build::ObjectPlan& query_plan, const FieldGroup& group,
                           const std::vector<PathSegment>& path) {
    const std::string& name = group.first().name.value;
    std::vector<SourceLocation> locations;
    for (const Field* f : group.fields) locations.push_back(location_of(f->loc));
    if (name == "__typename")
      return literal(json::Value::string(schema.schema().query_type).dump());
    if (is_introspection_root_field(name)) {
      std::vector<Error> errors;
      std::optional<std::string> value = resolve_introspection_field(
          schema.introspection(), group, fragments, variables, path, errors);
      // nullopt: a non-null __schema was nulled, which nulls "data" itself.
      if (!value) data_is_null = true;
      ResponseNode n = literal(value ? std::move(*value) : std::string("null"));
      field_errors.insert(field_errors.end(), errors.begin(), errors.end());
      return n;
    }
    auto it = query_plan.fields.find(name);
    if (it == query_plan.fields.end()) {
      ResponseNode n;
      n.error = Error{"Field \"" + name + "\" is not available", {locations.front()}, path, {}};
      return n;
    }
    const build::FieldPlan& plan = it->second;
    if (plan.kind == build::FieldPlan::Kind::kQueryId) return literal("\"query\"");
    if (plan.kind == build::FieldPlan::Kind::kQueryRoot || is_query_node(group))
      return query_object(collect_subfields(schema.schema(), schema.schema().query_type, group,
                                            fragments, variables),
                          path);
    try {
      // A custom query returning the JWT type: its value is signed when the
      // response is written (only root values are: see sign_jwt below).
      bool jwt = is_jwt_field(schema, schema.schema().query_type, name);
      compiler.allow_jwt_value(jwt);
      std::optional<std::string> sql = compiler.root_field(plan, group);
      compiler.allow_jwt_value(false);
      if (!sql) return literal("null");
      return column(std::move(*sql), path, {locations.front()}, jwt);
    } catch (const sql::CompileError& e) {
      ResponseNode n;
      n.error = Error{e.what(), {locations.front()}, path, {}};
      n.internal_error = e.internal;
      return n;
    } catch (const CollectFieldsError& e) {
      // @skip/@include that cannot be coerced inside this field.
      ResponseNode n;
      n.error = e.error;
      n.error->path = path;
      return n;
    }
  }
};

// Renumbers the column nodes of a payload planned on its own (its columns
// counted from 0) to their place among all the steps' columns.
void offset_columns(ResponseNode& node, size_t offset) {
  if (node.kind == ResponseNode::Kind::kColumn) node.column += offset;
  for (ResponseNode& m : node.members) offset_columns(m, offset);
}

// One root field of Mutation: its MutationStep (action, then payload) and
// the shape of its payload in the response. Compile errors null the field
// with the error and run nothing.
ResponseNode plan_mutation_field(const ServedSchema& schema, const FieldGroup& group,
                                 const FragmentMap& fragments, const VariableValues& variables,
                                 const OperationLimits& limits, std::vector<MutationStep>& steps,
                                 ResponsePlan& response) {
  const std::string& name = group.first().name.value;
  std::vector<SourceLocation> locations{location_of(group.first().loc)};
  std::vector<PathSegment> path{PathSegment(group.response_key)};
  auto literal = [](std::string json) {
    ResponseNode n;
    n.literal = std::move(json);
    return n;
  };
  auto failed = [&](Error e, bool internal) {
    ResponseNode n;
    n.error = std::move(e);
    n.internal_error = internal;
    return n;
  };
  if (name == "__typename") return literal(json::Value::string("Mutation").dump());
  const build::ObjectPlan& mutation_plan = schema.built().objects.at("Mutation");
  auto it = mutation_plan.fields.find(name);
  const schema::Field* def = schema.schema().find("Mutation")->field(name);
  if (it == mutation_plan.fields.end() || !def)
    return failed(Error{"Field \"" + name + "\" is not available", locations, path, {}}, false);
  const std::string& payload_type = def->type.name;
  const build::ObjectPlan* payload_plan = nullptr;
  if (auto p = schema.built().objects.find(payload_type); p != schema.built().objects.end())
    payload_plan = &p->second;

  MutationStep step;
  ResponseNode node;
  node.kind = ResponseNode::Kind::kObject;
  node.path = path;
  node.locations = locations;
  try {
    sql::Params action_params;
    sql::Compiler action_compiler(schema.built(), schema.catalog(), fragments, variables,
                                  action_params);
    action_compiler.set_page_limits(limits.default_page, limits.max_page);
    std::optional<sql::MutationAction> action = action_compiler.mutation_action(it->second, group);
    if (!action) return literal("null");  // an id of no row of this table
    step.action.sql = std::move(action->sql);
    step.action.params = action_params.values();
    step.action.param_types = action_params.types();
    step.missing_row_error = action->missing_row_error;

    // The payload statement: $1 is the action's value.
    sql::Params params;
    std::string value = params.add(std::nullopt, 0);
    sql::Compiler compiler(schema.built(), schema.catalog(), fragments, variables, params);
    compiler.set_page_limits(limits.default_page, limits.max_page);
    Planner planner{schema, fragments, variables, params, compiler, {}, {}, false};
    for (const FieldGroup& sub :
         collect_subfields(schema.schema(), payload_type, group, fragments, variables)) {
      const std::string& field = sub.first().name.value;
      std::vector<PathSegment> sub_path = path;
      sub_path.emplace_back(sub.response_key);
      if (field == "__typename") {
        node.add(sub.response_key, literal(json::Value::string(payload_type).dump()));
        continue;
      }
      auto p = payload_plan
                   ? payload_plan->fields.find(field)
                   : std::map<std::string, build::FieldPlan, std::less<>>::const_iterator{};
      if (!payload_plan || p == payload_plan->fields.end())
        throw sql::CompileError("No plan for field " + payload_type + "." + field);
      switch (p->second.kind) {
        case build::FieldPlan::Kind::kPayloadClientMutationId:
          if (action->client_mutation_id && action->client_mutation_id_needs_row) {
            node.add(sub.response_key,
                     planner.column("case when __r.v is null then null else " +
                                        params.add(*action->client_mutation_id, sql::oid::kJson) +
                                        "::json end",
                                    {}, {}));
          } else {
            node.add(sub.response_key, literal(action->client_mutation_id.value_or("null")));
          }
          break;
        case build::FieldPlan::Kind::kPayloadQuery:
          node.add(
              sub.response_key,
              planner.query_object(collect_subfields(schema.schema(), schema.schema().query_type,
                                                     sub, fragments, variables),
                                   sub_path));
          break;
        default:
          node.add(sub.response_key, planner.column(compiler.payload_field(payload_type, p->second,
                                                                           sub, "__r.v", *action),
                                                    sub_path, {location_of(sub.first().loc)},
                                                    is_jwt_field(schema, payload_type, field)));
      }
    }
    response.leading_errors.insert(response.leading_errors.end(), planner.field_errors.begin(),
                                   planner.field_errors.end());
    if (!planner.columns.empty()) {
      SqlStatement payload;
      payload.sql = "select ";
      for (size_t i = 0; i < planner.columns.size(); ++i)
        payload.sql += (i ? ", " : "") + planner.columns[i] + " as c" + std::to_string(i);
      payload.sql += " from (select " + value + "::" + action->value_cast + " as v) as __r";
      payload.params = params.values();
      payload.param_types = params.types();
      step.payload = std::move(payload);
    }
    step.columns = planner.columns.size();
  } catch (const sql::CompileError& e) {
    return failed(Error{e.what(), locations, path, {}}, e.internal);
  } catch (const CollectFieldsError& e) {
    Error error = e.error;
    error.path = path;
    return failed(std::move(error), false);
  }
  step.first_column = steps.empty() ? 0 : steps.back().first_column + steps.back().columns;
  offset_columns(node, step.first_column);
  node.step = int(steps.size());
  steps.push_back(std::move(step));
  return node;
}

// grafserv's masked error: a stable hash of the error and an id to find it
// in the server log.
Error masked(std::string_view text, std::vector<SourceLocation> locations,
             std::vector<PathSegment> path) {
  MaskKey key = mask_key(text);
  Error e{"An error occurred (logged with hash: '" + key.hash + "', id: '" + key.id + "')",
          std::move(locations),
          std::move(path),
          {}};
  e.extensions.emplace_back("errorId", json::Value::string(key.id).dump());
  return e;
}

struct Writer {
  const std::vector<FieldResult>& results;
  const std::vector<std::optional<SqlError>>& step_errors;
  const RequestOptions& options;
  std::vector<Error> errors;

  void write(json::Writer& out, const ResponseNode& node) {
    if (node.step >= 0 && size_t(node.step) < step_errors.size() &&
        step_errors[size_t(node.step)]) {
      // A mutation field whose transaction failed: null, with the error.
      errors.push_back(sql_error(*step_errors[size_t(node.step)], node));
      out.null();
      return;
    }
    switch (node.kind) {
      case ResponseNode::Kind::kLiteral:
        if (node.error) {
          if (node.internal_error && options.mask_errors)
            errors.push_back(masked(node.error->message, node.error->locations, node.error->path));
          else
            errors.push_back(*node.error);
        }
        out.raw(node.literal);
        return;
      case ResponseNode::Kind::kColumn: {
        const FieldResult* r = node.column < results.size() ? &results[node.column] : nullptr;
        if (!r || r->error) {
          if (r) errors.push_back(sql_error(*r->error, node));
          out.null();
        } else if (!r->json) {
          out.null();
        } else if (node.jwt) {
          sign_jwt(out, *r->json, node);
        } else {
          out.raw_minified(*r->json);
        }
        return;
      }
      case ResponseNode::Kind::kObject:
        out.begin_object();
        for (size_t i = 0; i < node.keys.size(); ++i) {
          out.key(node.keys[i]);
          write(out, node.members[i]);
        }
        out.end_object();
        return;
    }
  }

  // A value of the JWT type, as the row's attributes in JSON: written as
  // the signed token (null stays null).
  void sign_jwt(json::Writer& out, const std::string& row_json, const ResponseNode& node) {
    json::ParseResult row = json::parse(row_json);
    if (!row.ok() || row.value->is_null()) {
      out.null();
      return;
    }
    try {
      if (!options.issue_jwt) throw std::runtime_error("tokens cannot be issued here");
      std::string token = options.issue_jwt(*row.value);
      out.value(std::string_view(token));
    } catch (const std::runtime_error& e) {
      errors.push_back(Error{e.what(), node.locations, node.path, {}});
      out.null();
    }
  }

  Error sql_error(const SqlError& e, const ResponseNode& node) {
    if (options.mask_errors) return masked(sql_error_text(e), node.locations, node.path);
    Error out{e.message, node.locations, node.path, {}};
    out.extensions.emplace_back("code", json::Value::string(e.sqlstate).dump());
    if (!e.detail.empty())
      out.extensions.emplace_back("detail", json::Value::string(e.detail).dump());
    if (!e.hint.empty()) out.extensions.emplace_back("hint", json::Value::string(e.hint).dump());
    return out;
  }
};

}  // namespace

PreparedRequest prepare(const ServedSchema& schema, std::string_view query,
                        const json::Value* variables,
                        std::optional<std::string_view> operation_name,
                        const RequestOptions& options) {
  PreparedRequest out;
  auto fail = [&](Error e) {
    out.request_errors_.push_back(std::move(e));
    return std::move(out);
  };
  if (query.size() > options.max_document_bytes)
    return fail(Error{"Document too large: " + std::to_string(query.size()) + " bytes (limit " +
                          std::to_string(options.max_document_bytes) + ")",
                      {},
                      {},
                      {}});
  ParseOptions parse_options;
  parse_options.max_bytes = options.max_document_bytes;
  ParseResult parsed = parse_document(query, parse_options);
  if (!parsed.ok())
    return fail(Error{
        parsed.error->message, {SourceLocation{parsed.error->line, parsed.error->column}}, {}, {}});
  const Document& doc = parsed.document;
  std::vector<Error> validation = validation::validate(schema.schema(), doc);
  if (!validation.empty()) {
    out.request_errors_ = std::move(validation);
    return out;
  }
  const OperationDefinition* op = select_operation(doc, operation_name, out.request_errors_);
  if (!op) return out;
  out.operation_type_ = op->operation;
  if (op->name) out.operation_name_ = op->name->value;
  if (variables && !variables->is_null() && !variables->is_object())
    return fail(Error{"Variables must be an object", {}, {}, {}});
  VariableValues values;
  std::vector<Error> coercion = coerce_variable_values(
      schema.schema(), *op, variables && variables->is_object() ? variables : nullptr, values);
  if (!coercion.empty()) {
    out.request_errors_ = std::move(coercion);
    return out;
  }
  FragmentMap fragments;
  for (const Definition& d : doc.definitions)
    if (const FragmentDefinition* f = d.as<FragmentDefinition>()) fragments[f->name.value] = f;
  if (!options.allow_introspection && asks_for_introspection(op->selection_set, fragments, 0))
    return fail(
        Error{"GraphQL introspection is not allowed here (pg_gateway.introspection), but "
              "the query contained __schema or __type.",
              {location_of(op->loc)},
              {},
              {}});
  if (std::optional<Error> too_much =
          check_operation_limits(schema.schema(), *op, fragments, values, options.limits))
    return fail(std::move(*too_much));

  auto plan = std::make_unique<ResponsePlan>();
  std::optional<std::string> root_type = schema.schema().query_type;
  if (op->operation == OperationType::kMutation) root_type = schema.schema().mutation_type;
  if (op->operation == OperationType::kSubscription) root_type = schema.schema().subscription_type;
  if (!root_type) {
    // graphql-js: an execution error, "data": null.
    plan->data_is_null = true;
    plan->leading_errors.push_back(Error{std::string("Schema is not configured to execute ") +
                                             std::string(operation_type_name(op->operation)) +
                                             " operation.",
                                         {location_of(op->loc)},
                                         {},
                                         {}});
    out.plan_ = std::move(plan);
    return out;
  }
  if (op->operation == OperationType::kMutation) {
    plan->data.kind = ResponseNode::Kind::kObject;
    try {
      for (const FieldGroup& group :
           collect_fields(schema.schema(), *root_type, op->selection_set, fragments, values)) {
        plan->data.add(group.response_key,
                       plan_mutation_field(schema, group, fragments, values, options.limits,
                                           out.mutation_steps_, *plan));
      }
    } catch (const CollectFieldsError& e) {
      plan->leading_errors.push_back(e.error);
      plan->data_is_null = true;
      out.mutation_steps_.clear();
    }
    out.plan_ = std::move(plan);
    return out;
  }

  sql::Params params;
  sql::Compiler compiler(schema.built(), schema.catalog(), fragments, values, params);
  compiler.set_page_limits(options.limits.default_page, options.limits.max_page);
  compiler.record_reads(&out.reads_);
  Planner planner{schema, fragments, values, params, compiler, {}, {}, false};
  try {
    plan->data = planner.query_object(collect_fields(schema.schema(), schema.schema().query_type,
                                                     op->selection_set, fragments, values),
                                      {});
  } catch (const CollectFieldsError& e) {
    // On the root selection set: the only error, and "data": null.
    plan->leading_errors.push_back(e.error);
    plan->data_is_null = true;
    planner.columns.clear();
  }
  plan->leading_errors.insert(plan->leading_errors.end(), planner.field_errors.begin(),
                              planner.field_errors.end());
  if (planner.data_is_null) {
    plan->data_is_null = true;
    planner.columns.clear();
  }
  if (planner.columns.empty()) out.reads_ = cache::ReadSet{};  // nothing is read
  if (op->operation == OperationType::kQuery) {
    out.cache_policy_ = cache::compute_cache_policy(schema.built(), op->selection_set, fragments,
                                                    values, options.cache_default_max_age);
    out.cache_policy_.reads_row_security = out.reads_.reads_row_security(schema.catalog());
  }
  if (!planner.columns.empty()) {
    SqlStatement all;
    all.sql = "select ";
    for (size_t i = 0; i < planner.columns.size(); ++i) {
      if (i) all.sql += ", ";
      all.sql += planner.columns[i] + " as c" + std::to_string(i);
      SqlStatement one;
      one.sql = "select " + planner.columns[i] + " as c0";
      one.params = params.values();
      one.param_types = params.types();
      out.field_statements_.push_back(std::move(one));
    }
    all.params = params.values();
    all.param_types = params.types();
    out.statement_ = std::move(all);
  }
  out.plan_ = std::move(plan);
  return out;
}

std::string PreparedRequest::respond(
    const std::vector<FieldResult>& results, const RequestOptions& options,
    const std::vector<std::optional<SqlError>>& step_errors) const {
  json::Writer out;
  out.begin_object();
  if (is_request_error() || !plan_) {
    out.key("errors").begin_array();
    for (const Error& e : request_errors_) write_error(out, e);
    out.end_array();
    out.end_object();
    return out.take();
  }
  Writer writer{results, step_errors, options, plan_->leading_errors};
  std::string data = "null";
  if (!plan_->data_is_null) {
    json::Writer data_out;
    writer.write(data_out, plan_->data);
    data = data_out.take();
  }
  if (!writer.errors.empty()) {
    out.key("errors").begin_array();
    for (const Error& e : writer.errors) write_error(out, e);
    out.end_array();
  }
  out.key("data").raw(data);
  out.end_object();
  return out.take();
}

}  // namespace pg_gateway::graphql::exec
