#include "core/auth/token_cache.hpp"

namespace pg_gateway::auth {

const VerifiedJwt* TokenCache::find(std::string_view token) {
  auto it = index_.find(token);
  if (it == index_.end()) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, it->second);  // iterators and keys stay valid
  return &it->second->verified;
}

void TokenCache::insert(std::string_view token, VerifiedJwt verified) {
  if (capacity_ == 0) return;
  erase(token);
  evict_down_to(capacity_ - 1);
  lru_.push_front(Entry{std::string(token), std::move(verified)});
  index_.emplace(std::string_view(lru_.front().token), lru_.begin());
}

void TokenCache::erase(std::string_view token) {
  auto it = index_.find(token);
  if (it == index_.end()) return;
  auto entry = it->second;
  index_.erase(it);
  lru_.erase(entry);
}

void TokenCache::clear() {
  index_.clear();
  lru_.clear();
}

void TokenCache::set_capacity(size_t capacity) {
  capacity_ = capacity;
  evict_down_to(capacity);
}

void TokenCache::evict_down_to(size_t n) {
  while (lru_.size() > n) {
    index_.erase(std::string_view(lru_.back().token));
    lru_.pop_back();
    ++stats_.evictions;
  }
}

}  // namespace pg_gateway::auth
