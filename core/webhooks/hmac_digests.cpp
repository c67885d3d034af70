#include "core/webhooks/hmac_digests.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <new>

namespace pg_gateway::webhooks {

namespace {

/* One-shot HMAC() from libcrypto. It fails only when it cannot allocate,
   which the core's contract reports as std::bad_alloc. An empty key is
   passed as a non-null pointer, since some OpenSSL versions treat a null
   key as "reuse the previous one". */
std::string hmac_bytes(const EVP_MD* md, std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  const unsigned char* msg_ptr =
      message.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  if (HMAC(md, key_ptr, static_cast<int>(key.size()), msg_ptr, message.size(), out, &out_len) ==
      nullptr)
    throw std::bad_alloc();
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

}  // namespace

/* Twilio's X-Twilio-Signature is base64 of HMAC-SHA1; SHA-1's collision
   weakness does not affect HMAC, so it is still a sound MAC. */
std::string hmac_sha1_bytes(std::string_view key, std::string_view message) {
  return hmac_bytes(EVP_sha1(), key, message);
}

/* Offered by the generic scheme for providers that sign with SHA-512. */
std::string hmac_sha512_bytes(std::string_view key, std::string_view message) {
  return hmac_bytes(EVP_sha512(), key, message);
}

/* Twilio's bodySHA256 and the tests compare against lower-case hex. */
std::string hex_encode(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

/* CR/LF in a header value means it was spliced; NUL is never legitimate. */
bool has_control_bytes(std::string_view value) {
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0') return true;
  return false;
}

}  // namespace pg_gateway::webhooks
