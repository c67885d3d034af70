#include "core/webhooks/verification.hpp"

namespace pg_gateway::webhooks {

int status_of(Outcome outcome) {
  switch (outcome) {
    case Outcome::kVerified:
      return 200;
    case Outcome::kMissingSignature:
    case Outcome::kBadSignature:
      return 401;
    case Outcome::kStaleTimestamp:
    case Outcome::kMalformedHeader:
      return 400;
    case Outcome::kNoUsableSecret:
      return 500;
  }
  return 500;
}

}  // namespace pg_gateway::webhooks
