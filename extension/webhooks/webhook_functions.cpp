// SQL functions of inbound webhooks that need the core: the job payload a
// delivery's body becomes. receive_webhook() and replay_webhook()
// (sql/schema/webhooks.sql) call it, so the first delivery and a replay
// of it give the task the same document.
#include "extension/pg/pg_api.hpp"

extern "C" {
#include "utils/jsonb.h"
}

#include <string>

#include "core/webhooks/job_payload.hpp"
#include "extension/pg/entry.hpp"

using pg_gateway::pg::call;

// gateway.webhook_payload(body bytea, content_type text) -> jsonb: the
// parsed JSON body, a form's fields, or the text or base64 of anything
// else (core/webhooks/job_payload.hpp). A body that does not match its
// declared type is the sender's mistake: 22P02, nothing is written.
PG_GATEWAY_SQL_FUNCTION(pg_gateway_webhook_payload) {
  bytea* raw = call([fcinfo] { return PG_GETARG_BYTEA_PP(0); });
  std::string body(VARDATA_ANY(raw), VARSIZE_ANY_EXHDR(raw));
  std::string content_type = call([fcinfo] { return text_to_cstring(PG_GETARG_TEXT_PP(1)); });
  pg_gateway::webhooks::JobPayload payload = pg_gateway::webhooks::job_payload(body, content_type);
  if (!payload.ok()) {
    const char* error = payload.error.c_str();
    const char* type = content_type.c_str();
    call([error, type] {
      ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
                      errmsg("webhook body does not match its content type \"%s\"", type),
                      errdetail("%s.", error),
                      errhint("Send a body of the declared Content-Type.")));
    });
  }
  const char* json = payload.json.c_str();
  return call([json] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json)); });
}
