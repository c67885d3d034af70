#include "core/auth/jwt_keys.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cctype>

#include "core/json/json_value.hpp"
#include "core/util/base64.hpp"

namespace pg_gateway::auth {

namespace {

// An OpenSSL object owned by a unique_ptr that frees it with `free_fn`.
template <auto free_fn>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const {
    free_fn(p);
  }
};
template <typename T, auto free_fn>
using Owned = std::unique_ptr<T, OpenSslFree<free_fn>>;

using Pkey = Owned<EVP_PKEY, EVP_PKEY_free>;
using Bn = Owned<BIGNUM, BN_free>;
using MdCtx = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using PkeyCtx = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using ParamBld = Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using Params = Owned<OSSL_PARAM, OSSL_PARAM_free>;
using Bio = Owned<BIO, BIO_free>;
using EcdsaSig = Owned<ECDSA_SIG, ECDSA_SIG_free>;

constexpr size_t kMinHmacSecret = 32;
constexpr int kMinRsaBits = 2048;

const struct {
  JwsAlgorithm alg;
  std::string_view name;
} kAlgorithms[] = {
    {JwsAlgorithm::kHS256, "HS256"}, {JwsAlgorithm::kHS384, "HS384"},
    {JwsAlgorithm::kHS512, "HS512"}, {JwsAlgorithm::kRS256, "RS256"},
    {JwsAlgorithm::kRS384, "RS384"}, {JwsAlgorithm::kRS512, "RS512"},
    {JwsAlgorithm::kPS256, "PS256"}, {JwsAlgorithm::kPS384, "PS384"},
    {JwsAlgorithm::kPS512, "PS512"}, {JwsAlgorithm::kES256, "ES256"},
    {JwsAlgorithm::kES384, "ES384"}, {JwsAlgorithm::kES512, "ES512"},
    {JwsAlgorithm::kEdDSA, "EdDSA"},
};

const EVP_MD* digest_for(JwsAlgorithm alg) {
  switch (alg) {
    case JwsAlgorithm::kHS256:
    case JwsAlgorithm::kRS256:
    case JwsAlgorithm::kPS256:
    case JwsAlgorithm::kES256:
      return EVP_sha256();
    case JwsAlgorithm::kHS384:
    case JwsAlgorithm::kRS384:
    case JwsAlgorithm::kPS384:
    case JwsAlgorithm::kES384:
      return EVP_sha384();
    case JwsAlgorithm::kHS512:
    case JwsAlgorithm::kRS512:
    case JwsAlgorithm::kPS512:
    case JwsAlgorithm::kES512:
      return EVP_sha512();
    case JwsAlgorithm::kEdDSA:
      return nullptr;  // Ed25519 hashes internally
  }
  return nullptr;
}

}  // namespace

// What a key is decides which algorithms it may verify.
enum class KeyKind : uint8_t { kHmac, kRsa, kP256, kP384, kP521, kEd25519 };

struct VerificationKey {
  KeyKind kind = KeyKind::kHmac;
  std::optional<std::string> kid;
  std::optional<JwsAlgorithm> pinned;  // the JWK's "alg"
  std::string secret;                  // kHmac
  Pkey pkey;                           // the others

  bool fits(JwsAlgorithm alg) const {
    if (pinned && *pinned != alg) return false;
    switch (alg) {
      case JwsAlgorithm::kHS256:
        return kind == KeyKind::kHmac;
      // RFC 7518 section 3.2: the key is at least as long as the hash.
      case JwsAlgorithm::kHS384:
        return kind == KeyKind::kHmac && secret.size() >= 48;
      case JwsAlgorithm::kHS512:
        return kind == KeyKind::kHmac && secret.size() >= 64;
      case JwsAlgorithm::kRS256:
      case JwsAlgorithm::kRS384:
      case JwsAlgorithm::kRS512:
      case JwsAlgorithm::kPS256:
      case JwsAlgorithm::kPS384:
      case JwsAlgorithm::kPS512:
        return kind == KeyKind::kRsa;
      case JwsAlgorithm::kES256:
        return kind == KeyKind::kP256;
      case JwsAlgorithm::kES384:
        return kind == KeyKind::kP384;
      case JwsAlgorithm::kES512:
        return kind == KeyKind::kP521;
      case JwsAlgorithm::kEdDSA:
        return kind == KeyKind::kEd25519;
    }
    return false;
  }

  bool verify(JwsAlgorithm alg, std::string_view input, std::string_view sig) const;
};

namespace {

bool verify_hmac(const EVP_MD* md, const std::string& secret, std::string_view input,
                 std::string_view sig) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(md, secret.data(), int(secret.size()),
            reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len))
    return false;
  return sig.size() == len && CRYPTO_memcmp(mac, sig.data(), len) == 0;
}

// JWS carries an ECDSA signature as r || s, each as long as the curve's
// order; OpenSSL wants DER. r and s must be in [1, order - 1]: a zero
// r or s is the "psychic signature" that some verifiers once accepted
// (CVE-2022-21449); OpenSSL refuses it too, this refuses it first.
std::optional<std::string> ecdsa_der(std::string_view sig, size_t half) {
  if (sig.size() != 2 * half) return std::nullopt;
  auto all_zero = [](std::string_view b) {
    return std::all_of(b.begin(), b.end(), [](char c) { return c == 0; });
  };
  if (all_zero(sig.substr(0, half)) || all_zero(sig.substr(half))) return std::nullopt;
  EcdsaSig es(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()), int(half), nullptr);
  BIGNUM* s =
      BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data() + half), int(half), nullptr);
  if (!es || !r || !s || !ECDSA_SIG_set0(es.get(), r, s)) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(es.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), size_t(len));
  OPENSSL_free(der);
  return out;
}

bool verify_pkey(EVP_PKEY* pkey, JwsAlgorithm alg, std::string_view input, std::string_view sig) {
  std::string der;
  switch (alg) {
    case JwsAlgorithm::kES256:
    case JwsAlgorithm::kES384:
    case JwsAlgorithm::kES512: {
      size_t half = alg == JwsAlgorithm::kES256 ? 32 : alg == JwsAlgorithm::kES384 ? 48 : 66;
      std::optional<std::string> d = ecdsa_der(sig, half);
      if (!d) return false;
      der = std::move(*d);
      sig = der;
      break;
    }
    default:
      break;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (EVP_DigestVerifyInit(ctx.get(), &pctx, digest_for(alg), nullptr, pkey) != 1) return false;
  if (alg == JwsAlgorithm::kPS256 || alg == JwsAlgorithm::kPS384 || alg == JwsAlgorithm::kPS512) {
    // RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the hash.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest_for(alg)) != 1)
      return false;
  } else if (alg == JwsAlgorithm::kRS256 || alg == JwsAlgorithm::kRS384 ||
             alg == JwsAlgorithm::kRS512) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

std::string b64url_member(const json::Value& jwk, std::string_view name) {
  const json::Value* v = jwk.find(name);
  if (!v || !v->is_string()) throw KeyError("JWK member \"" + std::string(name) + "\" is missing");
  std::optional<std::string> bytes = util::base64url_decode(v->text());
  if (!bytes || bytes->empty())
    throw KeyError("JWK member \"" + std::string(name) + "\" is not base64url");
  return *bytes;
}

Pkey pkey_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  Params params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    throw KeyError(std::string("JWK is not a valid ") + type + " public key");
  return Pkey(raw);
}

void check_rsa_size(EVP_PKEY* pkey) {
  if (EVP_PKEY_get_bits(pkey) < kMinRsaBits)
    throw KeyError("RSA key has " + std::to_string(EVP_PKEY_get_bits(pkey)) +
                   " bits; at least 2048 are required");
}

std::unique_ptr<VerificationKey> key_from_jwk(const json::Value& jwk) {
  if (!jwk.is_object()) throw KeyError("a JWK must be a JSON object");
  auto key = std::make_unique<VerificationKey>();
  const json::Value* kty = jwk.find("kty");
  if (!kty || !kty->is_string()) throw KeyError("JWK has no \"kty\"");
  if (const json::Value* kid = jwk.find("kid"); kid && kid->is_string()) key->kid = kid->text();
  if (const json::Value* alg = jwk.find("alg"); alg && alg->is_string()) {
    key->pinned = parse_algorithm(alg->text());
    if (!key->pinned) throw KeyError("JWK \"alg\" \"" + alg->text() + "\" is not supported");
  }
  const std::string& t = kty->text();
  if (t == "oct") {
    key->kind = KeyKind::kHmac;
    key->secret = b64url_member(jwk, "k");
    if (key->secret.size() < kMinHmacSecret)
      throw KeyError("HMAC key is " + std::to_string(key->secret.size()) +
                     " bytes; at least 32 are required");
  } else if (t == "RSA") {
    std::string n = b64url_member(jwk, "n"), e = b64url_member(jwk, "e");
    ParamBld bld(OSSL_PARAM_BLD_new());
    Bn bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), int(n.size()), nullptr));
    Bn be(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), int(e.size()), nullptr));
    if (!bld || !bn || !be || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()))
      throw KeyError("JWK is not a valid RSA public key");
    key->kind = KeyKind::kRsa;
    key->pkey = pkey_from_params("RSA", bld.get());
    check_rsa_size(key->pkey.get());
  } else if (t == "EC") {
    const json::Value* crv = jwk.find("crv");
    std::string curve = crv && crv->is_string() ? crv->text() : "";
    const char* group = nullptr;
    size_t len = 0;
    if (curve == "P-256") {
      group = "prime256v1", len = 32, key->kind = KeyKind::kP256;
    } else if (curve == "P-384") {
      group = "secp384r1", len = 48, key->kind = KeyKind::kP384;
    } else if (curve == "P-521") {
      group = "secp521r1", len = 66, key->kind = KeyKind::kP521;
    } else {
      throw KeyError("EC JWK curve \"" + curve + "\" is not supported (P-256, P-384, P-521)");
    }
    std::string x = b64url_member(jwk, "x"), y = b64url_member(jwk, "y");
    if (x.size() != len || y.size() != len)
      throw KeyError("EC JWK coordinates must be " + std::to_string(len) + " bytes for " + curve);
    std::string point = "\x04" + x + y;  // uncompressed
    ParamBld bld(OSSL_PARAM_BLD_new());
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                          point.size()))
      throw KeyError("JWK is not a valid EC public key");
    key->pkey = pkey_from_params("EC", bld.get());
  } else if (t == "OKP") {
    const json::Value* crv = jwk.find("crv");
    if (!crv || !crv->is_string() || crv->text() != "Ed25519")
      throw KeyError("OKP JWK curve must be Ed25519");
    std::string x = b64url_member(jwk, "x");
    if (x.size() != 32) throw KeyError("Ed25519 JWK \"x\" must be 32 bytes");
    key->kind = KeyKind::kEd25519;
    key->pkey.reset(EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x.data()), x.size()));
    if (!key->pkey) throw KeyError("JWK is not a valid Ed25519 public key");
  } else {
    throw KeyError("JWK \"kty\" \"" + t + "\" is not supported (oct, RSA, EC, OKP)");
  }
  if (key->pinned && !key->fits(*key->pinned))
    throw KeyError("JWK \"alg\" " + std::string(algorithm_name(*key->pinned)) +
                   " does not fit its key type");
  return key;
}

std::unique_ptr<VerificationKey> key_from_pem(std::string_view pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  if (!bio) throw KeyError("out of memory");
  Pkey pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) throw KeyError("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  auto key = std::make_unique<VerificationKey>();
  switch (EVP_PKEY_get_base_id(pkey.get())) {
    case EVP_PKEY_RSA:
      key->kind = KeyKind::kRsa;
      check_rsa_size(pkey.get());
      break;
    case EVP_PKEY_ED25519:
      key->kind = KeyKind::kEd25519;
      break;
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t glen = 0;
      EVP_PKEY_get_group_name(pkey.get(), group, sizeof group, &glen);
      std::string g(group, glen);
      if (g == "prime256v1" || g == "P-256")
        key->kind = KeyKind::kP256;
      else if (g == "secp384r1" || g == "P-384")
        key->kind = KeyKind::kP384;
      else if (g == "secp521r1" || g == "P-521")
        key->kind = KeyKind::kP521;
      else
        throw KeyError("EC key curve \"" + g + "\" is not supported (P-256, P-384, P-521)");
      break;
    }
    default:
      throw KeyError("PEM key type is not supported (RSA, EC, Ed25519)");
  }
  key->pkey = std::move(pkey);
  return key;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

bool VerificationKey::verify(JwsAlgorithm alg, std::string_view input, std::string_view sig) const {
  if (!fits(alg)) return false;
  if (kind == KeyKind::kHmac) return verify_hmac(digest_for(alg), secret, input, sig);
  return verify_pkey(pkey.get(), alg, input, sig);
}

std::optional<JwsAlgorithm> parse_algorithm(std::string_view name) {
  if (name == "Ed25519") return JwsAlgorithm::kEdDSA;
  for (const auto& a : kAlgorithms)
    if (a.name == name) return a.alg;
  return std::nullopt;
}

std::string_view algorithm_name(JwsAlgorithm alg) {
  for (const auto& a : kAlgorithms)
    if (a.alg == alg) return a.name;
  return "?";
}

std::vector<JwsAlgorithm> parse_algorithm_list(std::string_view list) {
  std::vector<JwsAlgorithm> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (item.empty()) continue;
    std::optional<JwsAlgorithm> alg = parse_algorithm(item);
    if (!alg) throw std::invalid_argument("\"" + std::string(item) + "\" is not a JWS algorithm");
    if (std::find(out.begin(), out.end(), *alg) == out.end()) out.push_back(*alg);
  }
  return out;
}

KeySet::KeySet() = default;
KeySet::~KeySet() = default;
KeySet::KeySet(KeySet&&) noexcept = default;
KeySet& KeySet::operator=(KeySet&&) noexcept = default;

size_t KeySet::size() const { return keys_.size(); }

std::optional<std::string> KeySet::hmac_secret() const {
  for (const auto& k : keys_)
    if (k->kind == KeyKind::kHmac) return k->secret;
  return std::nullopt;
}

KeySet KeySet::parse(std::string_view text) {
  KeySet set;
  std::string_view body = trim(text);
  if (body.empty()) return set;
  if (body.front() == '{') {
    json::ParseLimits limits;
    limits.max_depth = 8;
    json::ParseResult doc = json::parse(body, limits);
    if (!doc.ok()) throw KeyError("key document is not valid JSON: " + doc.error);
    if (const json::Value* keys = doc.value->find("keys")) {
      if (!keys->is_array()) throw KeyError("JWKS \"keys\" must be an array");
      for (const json::Value& jwk : keys->items()) {
        const json::Value* use = jwk.find("use");
        if (use && use->is_string() && use->text() != "sig") continue;  // encryption keys
        set.keys_.push_back(key_from_jwk(jwk));
      }
      if (set.keys_.empty()) throw KeyError("JWKS has no signature keys");
    } else {
      set.keys_.push_back(key_from_jwk(*doc.value));
    }
    return set;
  }
  if (body.substr(0, 10) == "-----BEGIN") {
    set.keys_.push_back(key_from_pem(body));
    return set;
  }
  if (text.size() < kMinHmacSecret)
    throw KeyError("HMAC secret is " + std::to_string(text.size()) +
                   " bytes; at least 32 are required (RFC 7518 section 3.2)");
  auto key = std::make_unique<VerificationKey>();
  key->kind = KeyKind::kHmac;
  key->secret = std::string(text);
  set.keys_.push_back(std::move(key));
  return set;
}

KeySet::Match KeySet::verify(JwsAlgorithm alg, const std::optional<std::string>& kid,
                             std::string_view signing_input, std::string_view signature) const {
  // A kid that some key carries selects those keys; a kid no key carries
  // is unknown, unless no key has a kid at all (then every key is tried,
  // as PostgREST does).
  bool any_kid = std::any_of(keys_.begin(), keys_.end(), [](const auto& k) { return k->kid; });
  bool kid_known =
      kid && std::any_of(keys_.begin(), keys_.end(), [&](const auto& k) { return k->kid == kid; });
  if (kid && any_kid && !kid_known) return Match::kNoKey;
  bool tried = false;
  for (const auto& key : keys_) {
    if (kid_known && key->kid != kid) continue;
    if (!key->fits(alg)) continue;
    tried = true;
    if (key->verify(alg, signing_input, signature)) return Match::kVerified;
  }
  return tried ? Match::kBadSignature : Match::kNoKey;
}

}  // namespace pg_gateway::auth
