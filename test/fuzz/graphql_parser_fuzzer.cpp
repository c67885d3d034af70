// libFuzzer target for the GraphQL lexer and parser (core/graphql/).
//
// The input is the document, any bytes at all. It is parsed twice: with
// small limits (A) and with roomy ones (B). Besides memory safety
// (ASan/UBSan) and the absence of stack overflows, it checks:
//   - a failure has a "Syntax Error: ..." message, line >= 1, column >= 1,
//     and an offset inside the source;
//   - a success has at least one definition, no more tokens than allowed,
//     and every node's location inside the source and inside its parent's,
//     with line and column matching its start offset; names and Int/Float
//     raw text are exactly the source text at their location; decoded
//     strings are valid UTF-8; nothing nests deeper than max_depth;
//   - a success consumed every token: tokenize() agrees on the count;
//   - the limits only ever cut a parse short: if A fails with an ordinary
//     syntax error, B fails with the same one; if A succeeds, B gives the
//     same AST (compared through a rendering of every node and location).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/graphql/lexer.hpp"
#include "core/graphql/parser.hpp"

#include "test/fuzz/fuzz_check.hpp"

using namespace pg_gateway::graphql;

namespace {

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80                   ? 1
               : (c >= 0xC2 && c <= 0xDF) ? 2
               : (c >= 0xE0 && c <= 0xEF) ? 3
               : (c >= 0xF0 && c <= 0xF4) ? 4
                                          : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    unsigned char c1 = static_cast<unsigned char>(n > 1 ? s[i + 1] : 0);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 >= 0x90))
      return false;
    i += n;
  }
  return true;
}

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// Walks a Document checking the invariants above and rendering every node.
class Walker {
 public:
  Walker(std::string_view src, size_t max_depth)
      : src_(src), locator_(src), max_depth_(max_depth) {}

  std::string walk(const Document& doc) {
    CHECK(!doc.definitions.empty());
    CHECK(doc.loc.start == 0 && doc.loc.end == src_.size());
    for (const Definition& d : doc.definitions) definition(d, doc.loc);
    return std::move(out_);
  }

 private:
  void loc(const Location& l, const Location& parent) {
    CHECK(l.line >= 1 && l.column >= 1);
    CHECK(l.start <= l.end && l.end <= src_.size());
    CHECK(l.start >= parent.start && l.end <= parent.end,
          std::to_string(l.start) + "-" + std::to_string(l.end));
    SourcePosition p = locator_.locate(l.start);
    CHECK(p.line == l.line && p.column == l.column, std::to_string(l.start));
    out_ += '@' + std::to_string(l.start) + '-' + std::to_string(l.end) + ' ';
  }
  void name(const Name& n, const Location& parent) {
    loc(n.loc, parent);
    CHECK(is_name(n.value), n.value);
    CHECK(src_.substr(n.loc.start, n.loc.end - n.loc.start) == n.value, n.value);
    out_ += n.value + ' ';
  }
  void description(const std::optional<Description>& d, const Location& parent) {
    if (!d) return;
    loc(d->loc, parent);
    CHECK(valid_utf8(d->value));
    CHECK(src_[d->loc.start] == '"');
    out_ += "desc(" + d->value + ") ";
  }
  void nest(const Location& at) { CHECK(++depth_ <= max_depth_, std::to_string(at.start)); }
  void value(const Value& v, const Location& parent) {
    loc(v.loc, parent);
    std::string_view text = src_.substr(v.loc.start, v.loc.end - v.loc.start);
    out_ += 'v' + std::to_string(static_cast<int>(v.kind()));
    if (const auto* var = v.as<Variable>()) {
      CHECK(var->loc.start == v.loc.start && var->loc.end == v.loc.end);
      name(var->name, v.loc);
    } else if (const auto* i = v.as<IntValue>()) {
      CHECK(text == i->raw, i->raw);
      out_ += i->raw;
    } else if (const auto* f = v.as<FloatValue>()) {
      CHECK(text == f->raw, f->raw);
      out_ += f->raw;
    } else if (const auto* s = v.as<StringValue>()) {
      CHECK(valid_utf8(s->value));
      CHECK(text.substr(0, s->block ? 3 : 1) == (s->block ? "\"\"\"" : "\""));
      out_ += s->value;
    } else if (const auto* b = v.as<BooleanValue>()) {
      CHECK(text == (b->value ? "true" : "false"));
    } else if (v.as<NullValue>() != nullptr) {
      CHECK(text == "null");
    } else if (const auto* e = v.as<EnumValue>()) {
      CHECK(text == e->value && is_name(e->value));
      CHECK(e->value != "true" && e->value != "false" && e->value != "null");
    } else if (const auto* l = v.as<ListValue>()) {
      nest(v.loc);
      for (const Value& item : l->values) value(item, v.loc);
      --depth_;
    } else if (const auto* o = v.as<ObjectValue>()) {
      nest(v.loc);
      for (const ObjectField& f : o->fields) {
        loc(f.loc, v.loc);
        name(f.name, f.loc);
        value(f.value, f.loc);
      }
      --depth_;
    }
    out_ += ' ';
  }
  void type(const TypeRef& t, const Location& parent) {
    loc(t.loc, parent);
    out_ += 't' + std::to_string(static_cast<int>(t.kind));
    if (t.kind == TypeRef::Kind::kNamed) {
      CHECK(!t.inner);
      name(t.name, t.loc);
      return;
    }
    CHECK(static_cast<bool>(t.inner));
    if (t.kind == TypeRef::Kind::kList) nest(t.loc);
    CHECK(t.kind == TypeRef::Kind::kList || t.inner->kind != TypeRef::Kind::kNonNull);
    type(*t.inner, t.loc);
    if (t.kind == TypeRef::Kind::kList) --depth_;
  }
  void named(const NamedType& t, const Location& parent) {
    loc(t.loc, parent);
    name(t.name, t.loc);
  }
  void arguments(const std::vector<Argument>& args, const Location& parent) {
    for (const Argument& a : args) {
      loc(a.loc, parent);
      name(a.name, a.loc);
      value(a.value, a.loc);
    }
  }
  void directives(const std::vector<Directive>& ds, const Location& parent) {
    for (const Directive& d : ds) {
      loc(d.loc, parent);
      name(d.name, d.loc);
      arguments(d.arguments, d.loc);
    }
  }
  void selection_set(const SelectionSet& s, const Location& parent) {
    loc(s.loc, parent);
    CHECK(!s.selections.empty());
    nest(s.loc);
    for (const Selection& sel : s.selections) {
      out_ += 's' + std::to_string(static_cast<int>(sel.kind()));
      if (const auto* f = sel.as<Field>()) {
        loc(f->loc, s.loc);
        if (f->alias) name(*f->alias, f->loc);
        name(f->name, f->loc);
        arguments(f->arguments, f->loc);
        directives(f->directives, f->loc);
        if (f->selection_set) selection_set(*f->selection_set, f->loc);
      } else if (const auto* fs = sel.as<FragmentSpread>()) {
        loc(fs->loc, s.loc);
        CHECK(fs->name.value != "on");
        name(fs->name, fs->loc);
        directives(fs->directives, fs->loc);
      } else if (const auto* in = sel.as<InlineFragment>()) {
        loc(in->loc, s.loc);
        if (in->type_condition) named(*in->type_condition, in->loc);
        directives(in->directives, in->loc);
        selection_set(in->selection_set, in->loc);
      }
    }
    --depth_;
  }
  void input_values(const std::vector<InputValueDefinition>& vs, const Location& parent) {
    for (const InputValueDefinition& v : vs) {
      loc(v.loc, parent);
      description(v.description, v.loc);
      name(v.name, v.loc);
      type(v.type, v.loc);
      if (v.default_value) value(*v.default_value, v.loc);
      directives(v.directives, v.loc);
    }
  }
  void fields(const std::vector<FieldDefinition>& fs, const Location& parent) {
    for (const FieldDefinition& f : fs) {
      loc(f.loc, parent);
      description(f.description, f.loc);
      name(f.name, f.loc);
      input_values(f.arguments, f.loc);
      type(f.type, f.loc);
      directives(f.directives, f.loc);
    }
  }
  void enum_values(const std::vector<EnumValueDefinition>& vs, const Location& parent) {
    for (const EnumValueDefinition& v : vs) {
      loc(v.loc, parent);
      description(v.description, v.loc);
      name(v.name, v.loc);
      directives(v.directives, v.loc);
    }
  }
  void operation_types(const std::vector<OperationTypeDefinition>& ops, const Location& parent) {
    for (const OperationTypeDefinition& o : ops) {
      loc(o.loc, parent);
      out_ += std::string(operation_type_name(o.operation)) + ' ';
      named(o.type, o.loc);
    }
  }
  void named_list(const std::vector<NamedType>& ts, const Location& parent) {
    for (const NamedType& t : ts) named(t, parent);
  }

  void definition(const Definition& d, const Location& doc) {
    const Location& l = d.loc();
    loc(l, doc);
    out_ += std::string(definition_kind_name(d.kind())) + ' ';
    if (const auto* op = d.as<OperationDefinition>()) {
      out_ += std::string(operation_type_name(op->operation)) + ' ';
      if (op->name) name(*op->name, l);
      for (const VariableDefinition& v : op->variable_definitions) {
        loc(v.loc, l);
        loc(v.variable.loc, v.loc);
        name(v.variable.name, v.variable.loc);
        type(v.type, v.loc);
        if (v.default_value) {
          CHECK(v.default_value->kind() != ValueKind::kVariable);
          value(*v.default_value, v.loc);
        }
        directives(v.directives, v.loc);
      }
      directives(op->directives, l);
      selection_set(op->selection_set, l);
    } else if (const auto* f = d.as<FragmentDefinition>()) {
      CHECK(f->name.value != "on");
      name(f->name, l);
      named(f->type_condition, l);
      directives(f->directives, l);
      selection_set(f->selection_set, l);
    } else if (const auto* s = d.as<SchemaDefinition>()) {
      description(s->description, l);
      directives(s->directives, l);
      CHECK(!s->operation_types.empty());
      operation_types(s->operation_types, l);
    } else if (const auto* sc = d.as<ScalarTypeDefinition>()) {
      description(sc->description, l);
      name(sc->name, l);
      directives(sc->directives, l);
    } else if (const auto* o = d.as<ObjectTypeDefinition>()) {
      description(o->description, l);
      name(o->name, l);
      named_list(o->interfaces, l);
      directives(o->directives, l);
      fields(o->fields, l);
    } else if (const auto* i = d.as<InterfaceTypeDefinition>()) {
      description(i->description, l);
      name(i->name, l);
      named_list(i->interfaces, l);
      directives(i->directives, l);
      fields(i->fields, l);
    } else if (const auto* u = d.as<UnionTypeDefinition>()) {
      description(u->description, l);
      name(u->name, l);
      directives(u->directives, l);
      named_list(u->types, l);
    } else if (const auto* e = d.as<EnumTypeDefinition>()) {
      description(e->description, l);
      name(e->name, l);
      directives(e->directives, l);
      enum_values(e->values, l);
    } else if (const auto* in = d.as<InputObjectTypeDefinition>()) {
      description(in->description, l);
      name(in->name, l);
      directives(in->directives, l);
      input_values(in->fields, l);
    } else if (const auto* dd = d.as<DirectiveDefinition>()) {
      description(dd->description, l);
      name(dd->name, l);
      input_values(dd->arguments, l);
      out_ += dd->repeatable ? "repeatable " : "";
      CHECK(!dd->locations.empty());
      for (const Name& n : dd->locations) name(n, l);
    } else if (const auto* se = d.as<SchemaExtension>()) {
      CHECK(!se->directives.empty() || !se->operation_types.empty());
      directives(se->directives, l);
      operation_types(se->operation_types, l);
    } else if (const auto* sce = d.as<ScalarTypeExtension>()) {
      CHECK(!sce->directives.empty());
      name(sce->name, l);
      directives(sce->directives, l);
    } else if (const auto* oe = d.as<ObjectTypeExtension>()) {
      CHECK(!oe->interfaces.empty() || !oe->directives.empty() || !oe->fields.empty());
      name(oe->name, l);
      named_list(oe->interfaces, l);
      directives(oe->directives, l);
      fields(oe->fields, l);
    } else if (const auto* ie = d.as<InterfaceTypeExtension>()) {
      CHECK(!ie->interfaces.empty() || !ie->directives.empty() || !ie->fields.empty());
      name(ie->name, l);
      named_list(ie->interfaces, l);
      directives(ie->directives, l);
      fields(ie->fields, l);
    } else if (const auto* ue = d.as<UnionTypeExtension>()) {
      CHECK(!ue->directives.empty() || !ue->types.empty());
      name(ue->name, l);
      directives(ue->directives, l);
      named_list(ue->types, l);
    } else if (const auto* ee = d.as<EnumTypeExtension>()) {
      CHECK(!ee->directives.empty() || !ee->values.empty());
      name(ee->name, l);
      directives(ee->directives, l);
      enum_values(ee->values, l);
    } else if (const auto* ine = d.as<InputObjectTypeExtension>()) {
      CHECK(!ine->directives.empty() || !ine->fields.empty());
      name(ine->name, l);
      directives(ine->directives, l);
      input_values(ine->fields, l);
    }
    out_ += '\n';
  }

  std::string_view src_;
  Locator locator_;
  size_t max_depth_;
  size_t depth_ = 0;
  std::string out_;
};

bool is_limit_error(const GraphQLError& e) {
  return e.message.find("Parsing aborted.") != std::string::npos;
}

void check_error(std::string_view src, const GraphQLError& e) {
  CHECK(e.line >= 1 && e.column >= 1, e.message);
  CHECK(e.offset <= src.size(), e.message);
  CHECK(e.message.rfind("Syntax Error: ", 0) == 0, e.message);
  CHECK(valid_utf8(e.message), e.message);
  SourcePosition p = locate(src, e.offset);
  CHECK(p.line == e.line && p.column == e.column, e.message);
}

// Checks a successful parse and returns its rendering.
std::string check_ok(std::string_view src, const ParseResult& r, const ParseOptions& o) {
  CHECK(r.token_count <= o.max_tokens);
  LexResult lex = tokenize(src);
  CHECK(!lex.error, lex.error ? lex.error->message : "");
  CHECK(lex.tokens.size() == r.token_count + 1,
        std::to_string(lex.tokens.size()) + " vs " + std::to_string(r.token_count));
  std::string rendering = Walker(src, o.max_depth).walk(r.document);
  Document copy = r.document;  // deep copies must hold up too
  CHECK(Walker(src, o.max_depth).walk(copy) == rendering);
  return rendering;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);

  ParseOptions small;
  small.max_bytes = 4096;
  small.max_tokens = 400;
  small.max_depth = 12;
  ParseOptions roomy;
  roomy.max_bytes = 1 << 20;
  roomy.max_tokens = 1 << 20;
  roomy.max_depth = 256;

  ParseResult a = parse_document(src, small);
  ParseResult b = parse_document(src, roomy);

  std::string rendering_a, rendering_b;
  if (a.ok()) {
    rendering_a = check_ok(src, a, small);
  } else {
    check_error(src, *a.error);
    CHECK(a.document.definitions.empty());
  }
  if (b.ok()) {
    rendering_b = check_ok(src, b, roomy);
  } else {
    check_error(src, *b.error);
  }

  if (a.ok()) {
    CHECK(b.ok(), b.error->message);
    CHECK(rendering_a == rendering_b);
    CHECK(a.token_count == b.token_count);
  } else if (!is_limit_error(*a.error)) {
    CHECK(!b.ok(), a.error->message);
    CHECK(b.error->message == a.error->message && b.error->offset == a.error->offset,
          a.error->message + " / " + b.error->message);
  }

  // The lexer alone never crashes either, and its errors are well formed.
  LexResult lex = tokenize(src, true);
  if (lex.error) {
    check_error(src, *lex.error);
    CHECK(!b.ok(), "the lexer fails but the parser does not");
  }
  return 0;
}
