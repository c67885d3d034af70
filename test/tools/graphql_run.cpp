// graphql_run: runs GraphQL requests through the core's prepare()/respond()
// against a real database over libpq, without the HTTP worker. A developer's
// loop for the compiler and the compatibility suite:
//
//   graphql_run CONNINFO CATALOG.json [--sql] < requests.jsonl
//
// Each input line is a GraphQL-over-HTTP body ({"query", "variables",
// "operationName"}); each output line is the response body. --sql prints the
// statement and its parameters to stderr. Statements run as the server would:
// one read-only transaction, the combined statement first, and per field in
// savepoints when it fails. A mutation runs each root field's action and
// payload in a transaction of its own.
#include <libpq-fe.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "core/graphql/execution/request.hpp"

using namespace pg_gateway;
using graphql::exec::FieldResult;
using graphql::exec::SqlError;
using graphql::exec::SqlStatement;

namespace {

std::string field_of(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  return v ? v : "";
}

// Runs one statement; returns its first row's columns or the error.
bool run(PGconn* conn, const SqlStatement& st, std::vector<std::optional<std::string>>& row,
         SqlError& error) {
  std::vector<const char*> values;
  for (const auto& p : st.params) values.push_back(p ? p->c_str() : nullptr);
  std::vector<Oid> types(st.param_types.begin(), st.param_types.end());
  PGresult* r = PQexecParams(conn, st.sql.c_str(), int(values.size()), types.data(), values.data(),
                             nullptr, nullptr, 0);
  bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  if (ok) {
    row.clear();
    for (int c = 0; c < PQnfields(r); ++c)
      row.push_back(PQntuples(r) && !PQgetisnull(r, 0, c)
                        ? std::optional<std::string>(PQgetvalue(r, 0, c))
                        : std::nullopt);
  } else {
    error = SqlError{field_of(r, PG_DIAG_SQLSTATE), field_of(r, PG_DIAG_MESSAGE_PRIMARY),
                     field_of(r, PG_DIAG_MESSAGE_DETAIL), field_of(r, PG_DIAG_MESSAGE_HINT)};
  }
  PQclear(r);
  return ok;
}

void exec(PGconn* conn, const char* sql) { PQclear(PQexec(conn, sql)); }

void show(const SqlStatement& st) {
  std::cerr << st.sql << "\n";
  for (size_t i = 0; i < st.params.size(); ++i)
    std::cerr << "  $" << i + 1 << " = " << (st.params[i] ? *st.params[i] : "NULL")
              << " :: " << st.param_types[i] << "\n";
}

// A mutation's steps, one transaction each, as the worker runs them.
std::vector<std::optional<SqlError>> run_mutation(PGconn* conn,
                                                  const graphql::exec::PreparedRequest& prepared,
                                                  std::vector<FieldResult>& results,
                                                  bool show_sql) {
  std::vector<std::optional<SqlError>> step_errors;
  for (const graphql::exec::MutationStep& step : prepared.mutation_steps()) {
    results.resize(step.first_column + step.columns);
    step_errors.emplace_back();
    if (show_sql) show(step.action);
    exec(conn, "begin");
    std::vector<std::optional<std::string>> row;
    SqlError error;
    bool ok = run(conn, step.action, row, error);
    if (ok && !row.empty() && !row[0] && !step.missing_row_error.empty()) {
      error = SqlError{"P0002", step.missing_row_error, "", ""};
      ok = false;
    }
    if (ok && step.payload) {
      SqlStatement payload = *step.payload;
      payload.params[0] = row.empty() ? std::nullopt : row[0];
      if (show_sql) show(payload);
      ok = run(conn, payload, row, error);
      for (size_t i = 0; ok && i < step.columns; ++i)
        results[step.first_column + i] = FieldResult{row[i], std::nullopt};
    }
    if (!ok) step_errors.back() = error;
    exec(conn, ok ? "commit" : "rollback");
  }
  return step_errors;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: graphql_run CONNINFO CATALOG.json [--sql] [--mask] < requests.jsonl\n";
    return 2;
  }
  bool show_sql = false;
  graphql::exec::RequestOptions options;
  for (int i = 3; i < argc; ++i) {
    if (std::string(argv[i]) == "--sql") show_sql = true;
    if (std::string(argv[i]) == "--mask") options.mask_errors = true;
  }
  std::ifstream f(argv[2]);
  std::stringstream catalog_text;
  catalog_text << f.rdbuf();
  auto schema = graphql::exec::ServedSchema::from_reflection_json(catalog_text.str());
  PGconn* conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::cerr << PQerrorMessage(conn);
    return 1;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    json::ParseResult body = json::parse(line);
    if (!body.ok() || !body.value->find("query")) {
      std::cout << "{\"errors\":[{\"message\":\"bad request line\"}]}\n";
      continue;
    }
    const json::Value* op = body.value->find("operationName");
    std::optional<std::string_view> op_name;
    if (op && op->is_string()) op_name = op->text();
    auto prepared = graphql::exec::prepare(*schema, body.value->find("query")->text(),
                                           body.value->find("variables"), op_name, options);
    std::vector<FieldResult> results;
    if (!prepared.mutation_steps().empty()) {
      auto step_errors = run_mutation(conn, prepared, results, show_sql);
      std::cout << prepared.respond(results, options, step_errors) << "\n" << std::flush;
      continue;
    }
    if (const SqlStatement* st = prepared.statement()) {
      if (show_sql) show(*st);
      exec(conn, "begin read only");
      exec(conn, "savepoint whole");
      std::vector<std::optional<std::string>> row;
      SqlError error;
      if (run(conn, *st, row, error)) {
        for (auto& v : row) results.push_back(FieldResult{v, std::nullopt});
      } else {
        if (show_sql) std::cerr << "ERROR " << error.sqlstate << " " << error.message << "\n";
        exec(conn, "rollback to savepoint whole");
        for (const SqlStatement& one : prepared.field_statements()) {
          exec(conn, "savepoint one");
          if (run(conn, one, row, error)) {
            results.push_back(FieldResult{row.empty() ? std::nullopt : row[0], std::nullopt});
            exec(conn, "release savepoint one");
          } else {
            results.push_back(FieldResult{std::nullopt, error});
            exec(conn, "rollback to savepoint one");
          }
        }
      }
      exec(conn, "commit");
    }
    std::cout << prepared.respond(results, options) << "\n" << std::flush;
  }
  PQfinish(conn);
  return 0;
}
