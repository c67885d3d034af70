#include "core/util/hmac.hpp"

#include "core/util/sha256.hpp"

namespace pg_gateway::util {

namespace {

constexpr size_t kBlockSize = 64;  // SHA-256 block size in bytes
constexpr uint8_t kInnerPad = 0x36;
constexpr uint8_t kOuterPad = 0x5c;

}  // namespace

/* RFC 2104: H((K0 ^ opad) || H((K0 ^ ipad) || m)), where K0 is the key
 * (hashed first when longer than a block) zero-padded to one block. sha256()
 * only hashes a whole buffer, so the inner input is assembled once with the
 * message parts appended after the padded key. */
Sha256Digest hmac_sha256(std::string_view key,
                         std::initializer_list<std::string_view> message_parts) {
  std::array<uint8_t, kBlockSize> block_key{};
  if (key.size() > kBlockSize) {
    Sha256Digest hashed = sha256(key);
    for (size_t i = 0; i < hashed.size(); ++i) block_key[i] = hashed[i];
  } else {
    for (size_t i = 0; i < key.size(); ++i) block_key[i] = static_cast<uint8_t>(key[i]);
  }

  size_t message_size = 0;
  for (std::string_view part : message_parts) message_size += part.size();
  std::string inner;
  inner.reserve(kBlockSize + message_size);
  for (uint8_t b : block_key) inner += static_cast<char>(b ^ kInnerPad);
  for (std::string_view part : message_parts) inner.append(part);
  Sha256Digest inner_digest = sha256(inner);

  std::string outer;
  outer.reserve(kBlockSize + inner_digest.size());
  for (uint8_t b : block_key) outer += static_cast<char>(b ^ kOuterPad);
  for (uint8_t b : inner_digest) outer += static_cast<char>(b);
  return sha256(outer);
}

std::string digest_bytes(const Sha256Digest& digest) {
  return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
}

std::string digest_hex(const Sha256Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * digest.size());
  for (uint8_t b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

/* The XOR of every byte pair is OR-ed into one accumulator and only that is
 * tested, so there is no data-dependent branch inside the loop. */
bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  volatile uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff = diff | static_cast<uint8_t>(static_cast<uint8_t>(a[i]) ^ static_cast<uint8_t>(b[i]));
  return diff == 0;
}

}  // namespace pg_gateway::util
