// Tokens whose signature has been verified, per worker, so that a client
// sending the same token on every request costs one signature check, not
// one per request (an RSA or ECDSA verification is tens of microseconds).
//
// Only the signature step is cached: check_claims() (expiry, audience) runs
// on every use. The cache must be cleared whenever the key set changes.
// Least recently used entries go first once `capacity` is reached.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/auth/jwt.hpp"

namespace pg_gateway::auth {

struct TokenCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t evictions = 0;
};

class TokenCache {
 public:
  explicit TokenCache(size_t capacity = 1000) : capacity_(capacity) {}
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // The verified token, or nullptr (counts a hit or a miss).
  const VerifiedJwt* find(std::string_view token);
  void insert(std::string_view token, VerifiedJwt verified);
  void erase(std::string_view token);
  void clear();
  // 0 disables the cache (and empties it).
  void set_capacity(size_t capacity);

  size_t size() const { return lru_.size(); }
  const TokenCacheStats& stats() const { return stats_; }

 private:
  struct Entry {
    std::string token;
    VerifiedJwt verified;
  };
  void evict_down_to(size_t n);

  size_t capacity_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
  TokenCacheStats stats_;
};

}  // namespace pg_gateway::auth
