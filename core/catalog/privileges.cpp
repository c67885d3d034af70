#include "core/catalog/privileges.hpp"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::catalog {

namespace {

Privileges all_granted() {
  Privileges p;
  p.select = p.insert = p.update = p.del = p.execute = true;
  return p;
}

// The snapshot's role, every role it is a member of (transitively,
// ignoring NOINHERIT as PostGraphile does) and PUBLIC (as "").
std::set<std::string> expanded_roles(const Catalog& cat, bool* superuser) {
  std::set<std::string> roles{""};
  std::vector<std::string> pending{cat.current_user};
  *superuser = false;
  while (!pending.empty()) {
    std::string name = pending.back();
    pending.pop_back();
    if (!roles.insert(name).second) continue;
    for (const Role& r : cat.roles) {
      if (r.name != name) continue;
      *superuser |= r.superuser;
      for (const std::string& m : r.member_of) pending.push_back(m);
    }
  }
  return roles;
}

// An aclitem's grantee: "" for PUBLIC; quoted names lose their quotes.
std::string grantee(std::string_view item) {
  std::string_view role = item.substr(0, item.find('='));
  if (role.size() >= 2 && role.front() == '"' && role.back() == '"') {
    std::string out;
    role = role.substr(1, role.size() - 2);
    for (size_t i = 0; i < role.size(); ++i) {
      out += role[i];
      if (role[i] == '"' && i + 1 < role.size() && role[i + 1] == '"') ++i;
    }
    return out;
  }
  return std::string(role);
}

// resolvePermissions(): OR of the items that apply to the role.
Privileges resolve(const Catalog& cat, const std::vector<std::string>& acl, bool owner_gets_all) {
  bool superuser = false;
  std::set<std::string> roles = expanded_roles(cat, &superuser);
  if (superuser || owner_gets_all) return all_granted();
  Privileges p;
  for (const std::string& item : acl) {
    size_t eq = item.find('=');
    if (eq == std::string::npos || !roles.count(grantee(item))) continue;
    for (size_t i = eq + 1; i < item.size() && item[i] != '/'; ++i) {
      switch (item[i]) {
        case 'r':
          p.select = true;
          break;
        case 'a':
          p.insert = true;
          break;
        case 'w':
          p.update = true;
          break;
        case 'd':
          p.del = true;
          break;
        case 'X':
          p.execute = true;
          break;
        default:
          break;
      }
    }
  }
  return p;
}

bool mentions(const std::optional<std::vector<std::string>>& acl, const std::string& role) {
  if (!acl) return false;
  for (const std::string& item : *acl)
    if (grantee(item) == role) return true;
  return false;
}

}  // namespace

Privileges class_privileges(const Catalog& cat, const Class& cls) {
  if (!cat.has_privileges()) return all_granted();
  // NULL relacl: the owner has everything, PUBLIC nothing.
  std::vector<std::string> acl =
      cls.acl ? *cls.acl : std::vector<std::string>{cls.owner + "=arwdDxt/" + cls.owner};
  bool owner = cls.owner == cat.current_user && !mentions(cls.acl, cls.owner);
  return resolve(cat, acl, owner);
}

Privileges column_privileges(const Catalog& cat, const Class& cls, const Column& column) {
  if (!cat.has_privileges()) return all_granted();
  std::vector<std::string> acl = column.acl ? *column.acl : std::vector<std::string>{};
  bool owner = cls.owner == cat.current_user && !mentions(column.acl, cls.owner) &&
               !mentions(cls.acl, cls.owner);
  return resolve(cat, acl, owner);
}

Privileges function_privileges(const Catalog& cat, const Function& f) {
  if (!cat.has_privileges()) return all_granted();
  // NULL proacl: EXECUTE for PUBLIC and the owner.
  std::vector<std::string> acl =
      f.acl ? *f.acl : std::vector<std::string>{"=X/" + f.owner, f.owner + "=X/" + f.owner};
  bool owner = f.owner == cat.current_user && !mentions(f.acl, f.owner);
  return resolve(cat, acl, owner);
}

}  // namespace pg_gateway::catalog
