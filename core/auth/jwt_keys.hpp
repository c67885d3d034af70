// The keys that verify JSON Web Tokens, and the signature check itself
// (RFC 7515 JWS with the RFC 7518 / RFC 8037 algorithms), on OpenSSL's
// libcrypto.
//
// Every key is pinned to the algorithms its kind can verify: an HMAC secret
// verifies HS256/384/512 only, an RSA key RS* and PS*, a P-256 key ES256
// only, and so on. A token's "alg" header chooses among the keys that fit;
// it never changes how a key is used, so the RSA-public-key-as-HMAC-secret
// confusion (RFC 8725 section 2.1) cannot happen, and "none" is not an
// algorithm at all.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::auth {

enum class JwsAlgorithm : uint8_t {
  kHS256,
  kHS384,
  kHS512,
  kRS256,
  kRS384,
  kRS512,
  kPS256,
  kPS384,
  kPS512,
  kES256,
  kES384,
  kES512,
  kEdDSA,
};

// "HS256" ... "EdDSA"; "Ed25519" (the fully specified name) is EdDSA too.
// nullopt for anything else, "none" included.
std::optional<JwsAlgorithm> parse_algorithm(std::string_view name);
std::string_view algorithm_name(JwsAlgorithm alg);
// A comma-separated allow-list ("HS256, ES256"); throws std::invalid_argument
// naming the first entry that is not an algorithm.
std::vector<JwsAlgorithm> parse_algorithm_list(std::string_view list);

// A key document that cannot be used; the message says why.
struct KeyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct VerificationKey;  // jwt_keys.cpp

class KeySet {
 public:
  KeySet();
  ~KeySet();
  KeySet(KeySet&&) noexcept;
  KeySet& operator=(KeySet&&) noexcept;

  // One of:
  //   - a JWKS document ({"keys": [...]}) or a single JWK (JSON object):
  //     kty "oct" (k), "RSA" (n, e), "EC" (crv P-256/P-384/P-521, x, y) or
  //     "OKP" (crv Ed25519, x); "kid" and "alg" are honoured; keys with
  //     "use": "enc" are skipped;
  //   - a PEM public key ("-----BEGIN PUBLIC KEY-----"): RSA, EC or Ed25519;
  //   - otherwise the text itself is an HMAC secret, at least 32 bytes.
  // RSA keys must have at least 2048 bits. Throws KeyError.
  static KeySet parse(std::string_view text);

  size_t size() const;
  bool empty() const { return size() == 0; }

  // The first HMAC secret of the set (the key tokens are issued with), or
  // nullopt when it holds only public keys.
  std::optional<std::string> hmac_secret() const;

  enum class Match { kVerified, kBadSignature, kNoKey };
  // Verifies `signature` over `signing_input` with the keys that fit `alg`
  // (and `kid`, when the token names one that some key has). kNoKey: no key
  // of this set can verify `alg` (or the kid is unknown).
  Match verify(JwsAlgorithm alg, const std::optional<std::string>& kid,
               std::string_view signing_input, std::string_view signature) const;

 private:
  std::vector<std::unique_ptr<VerificationKey>> keys_;
};

}  // namespace pg_gateway::auth
