// The line gate's reader: from one NDJSON line's bytes, the fields the rule router reads, as
// JSON text (their source bytes, copied) that JSON.parse turns into the very values it would give
// within the whole line — without decoding the line to a string or building the rest of the
// document. The hunt routes that small object; a line no rule can match is never parsed
// (src/input/line-gate.ts, src/hunt/routing-gate.ts).
//
// Exactness matters more than coverage: the reader validates the whole line as strictly as
// JSON.parse, and whenever it cannot promise JSON.parse's answer (a syntax error, a byte outside
// ASCII, an escaped key, a number JavaScript would round, deep nesting, a _search response) it
// returns undefined and the line takes the ordinary path, which reports errors with their line.
#define NAPI_VERSION 8
#include <node_api.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "plain_run.h"

namespace {

// Paths as a trie of key segments. `take`: the whole value at this point is wanted.
struct Trie {
  bool take = false;
  std::vector<std::pair<std::string, Trie*>> kids;
  // One bit per kid, at bloom(key): most keys of a document are not wanted, and one test of
  // this word turns them away without comparing them to every kid.
  uint64_t bloom = 0;
  ~Trie() {
    for (auto& k : kids) delete k.second;
  }
  static unsigned bit(const uint8_t* k, size_t n) { return n == 0 ? 0 : (n * 7 + k[0] + k[n - 1] * 3u) & 63u; }
  void add(const std::string& key, Trie* kid) {
    kids.emplace_back(key, kid);
    bloom |= uint64_t{1} << bit(reinterpret_cast<const uint8_t*>(key.data()), key.size());
  }
  void clear() {
    for (auto& k : kids) delete k.second;
    kids.clear();
    bloom = 0;
  }
  const Trie* find(const uint8_t* k, size_t n) const {
    if (!((bloom >> bit(k, n)) & 1u)) return nullptr;
    for (const auto& kid : kids)
      if (kid.first.size() == n && std::memcmp(kid.first.data(), k, n) == 0) return kid.second;
    return nullptr;
  }
};

constexpr int kMaxDepth = 200;

struct Reader {
  Reader(napi_env env, const uint8_t* p, const uint8_t* end, std::string& out) : env(env), p(p), end(end), out(out) {}
  napi_env env;
  const uint8_t* p;
  const uint8_t* end;
  int depth = 0;
  std::string& out;
  // Set by skip() when it passes an integer of 16 digits or more.
  bool longInteger = false;

  int peek() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p < end ? *p : -1;
  }

  static bool hex(uint8_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

  // At a '"': the content's bytes [a, b), whether it holds escapes; p moves past the quote.
  bool string(const uint8_t*& a, const uint8_t*& b, bool& escaped) {
    a = ++p;
    escaped = false;
    for (;;) {
      p = trawl::plainRun(p, end);
      if (p >= end) return false;
      const uint8_t c = *p;
      if (c == '"') break;
      if (c < 0x20 || c >= 0x80) return false;  // control characters are invalid; non-ASCII: not ours
      if (c == '\\') {
        escaped = true;
        if (end - p < 2) return false;
        const uint8_t e = p[1];
        if (e == 'u') {
          if (end - p < 6 || !hex(p[2]) || !hex(p[3]) || !hex(p[4]) || !hex(p[5])) return false;
          p += 6;
          continue;
        }
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return false;
        p += 2;
        continue;
      }
      p++;
    }
    b = p++;
    return true;
  }

  // A number token, validated; `integer` when it has neither fraction nor exponent.
  bool number(const uint8_t*& a, bool& integer) {
    a = p;
    integer = true;
    if (p < end && *p == '-') p++;
    if (p >= end) return false;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') {
      while (p < end && *p >= '0' && *p <= '9') p++;
    } else return false;
    if (p < end && *p == '.') {
      integer = false;
      p++;
      if (p >= end || *p < '0' || *p > '9') return false;
      while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      integer = false;
      p++;
      if (p < end && (*p == '+' || *p == '-')) p++;
      if (p >= end || *p < '0' || *p > '9') return false;
      while (p < end && *p >= '0' && *p <= '9') p++;
    }
    return true;
  }

  bool literal(const char* word, size_t n) {
    if (static_cast<size_t>(end - p) < n || std::memcmp(p, word, n) != 0) return false;
    p += n;
    return true;
  }

  // Validate and pass over one value.
  bool skip() {
    const int c = peek();
    if (c == '"') {
      const uint8_t *a, *b;
      bool esc;
      return string(a, b, esc);
    }
    if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return false;
      const bool obj = c == '{';
      p++;
      int d = peek();
      if (d == (obj ? '}' : ']')) {
        p++;
        depth--;
        return true;
      }
      for (;;) {
        if (obj) {
          const uint8_t *a, *b;
          bool esc;
          if (d != '"' || !string(a, b, esc) || peek() != ':') return false;
          p++;
        }
        if (!skip()) return false;
        d = peek();
        if (d == ',') {
          p++;
          d = peek();
          continue;
        }
        if (d != (obj ? '}' : ']')) return false;
        p++;
        depth--;
        return true;
      }
    }
    if (c == 't') return literal("true", 4);
    if (c == 'f') return literal("false", 5);
    if (c == 'n') return literal("null", 4);
    const uint8_t* a;
    bool integer;
    if (!number(a, integer)) return false;
    // 16+ digits may pass 2^53, which the ordinary path keeps as exact text (big-integers.ts):
    // a value holding such a number is left to it.
    if (integer && (p - a) - (*a == '-' ? 1 : 0) >= 16) longInteger = true;
    return true;
  }

  // The child of `t` for key [a, b): its own entry, or the entry its dotted segments lead to
  // ("process.name" as one key is the same field as process → name).
  static const Trie* child(const Trie* t, const uint8_t* a, const uint8_t* b) {
    if (const Trie* c = t->find(a, b - a)) return c;
    const uint8_t* dot = static_cast<const uint8_t*>(std::memchr(a, '.', b - a));
    if (!dot) return nullptr;
    const Trie* n = t;
    for (const uint8_t* s = a;;) {
      if (n->take) return n;
      const uint8_t* e = static_cast<const uint8_t*>(std::memchr(s, '.', b - s));
      if (!e) e = b;
      n = n->find(s, e - s);
      if (!n) return nullptr;
      if (e == b) return n;
      s = e + 1;
    }
  }

  // One value, written to `out` as JSON: only the parts `t` wants (all of it when t is null or
  // t->take). Wanted values are copied as their source bytes, which are valid JSON, so JSON.parse
  // of `out` gives exactly the values it would give within the whole line.
  bool value(const Trie* t) {
    if (t && t->take) t = nullptr;
    const int c = peek();
    if (!t || (c != '{' && c != '[')) {
      const uint8_t* a = p;
      longInteger = false;
      if (!skip() || longInteger) return false;
      out.append(reinterpret_cast<const char*>(a), p - a);
      return true;
    }
    if (++depth > kMaxDepth) return false;
    p++;
    out.push_back(static_cast<char>(c));
    if (c == '[') {
      if (peek() != ']') {
        for (;;) {
          // Arrays are transparent to field paths: each element is read with the same wants.
          if (!value(t)) return false;
          const int d = peek();
          if (d == ']') break;
          if (d != ',') return false;
          p++;
          out.push_back(',');
        }
      }
      p++;
      out.push_back(']');
      depth--;
      return true;
    }
    bool first = true;
    int d = peek();
    if (d != '}') {
      for (;;) {
        const uint8_t *a, *b;
        bool esc;
        if (d != '"' || !string(a, b, esc)) return false;
        // An escaped key might spell a wanted one; a top-level `hits` may make the line a
        // _search response, whose hits only the ordinary path unwraps.
        if (esc) return false;
        if (depth == 1 && b - a == 4 && std::memcmp(a, "hits", 4) == 0) return false;
        if (peek() != ':') return false;
        p++;
        if (const Trie* k = child(t, a, b)) {
          if (!first) out.push_back(',');
          first = false;
          out.append(reinterpret_cast<const char*>(a - 1), (b - a) + 2);
          out.push_back(':');
          if (!value(k)) return false;
        } else if (!skip()) return false;
        d = peek();
        if (d == '}') break;
        if (d != ',') return false;
        p++;
        d = peek();
      }
    }
    p++;
    out.push_back('}');
    depth--;
    return true;
  }

};

// What compile() returns: the wanted paths, and the projections see() has met since the last
// forget(), numbered in the order it met them.
struct Fields {
  Trie root;
  std::unordered_map<std::string, uint32_t> seen;
  uint32_t next = 0;
};

// Longer projections are numbered but not remembered: repeats of them are rare, and 8,192 of
// them must not hold megabytes.
constexpr size_t kMaxRemembered = 4096;

void deleteFields(napi_env, void* data, void*) { delete static_cast<Fields*>(data); }

// compile(paths: string[]): the wanted fields, for see(). Throws on a path it cannot hold.
napi_value Compile(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint32_t n = 0;
  if (argc < 1 || napi_get_array_length(env, argv[0], &n) != napi_ok) {
    napi_throw_type_error(env, nullptr, "compile(paths: string[])");
    return nullptr;
  }
  Fields* fields = new Fields();
  Trie* root = &fields->root;
  for (uint32_t i = 0; i < n; i++) {
    napi_value el;
    size_t len = 0;
    if (napi_get_element(env, argv[0], i, &el) != napi_ok || napi_get_value_string_utf8(env, el, nullptr, 0, &len) != napi_ok) {
      delete fields;
      napi_throw_type_error(env, nullptr, "compile: paths must be strings");
      return nullptr;
    }
    std::string path(len, '\0');
    napi_get_value_string_utf8(env, el, path.data(), len + 1, &len);
    Trie* t = root;
    size_t s = 0;
    for (;;) {
      if (t->take) break;  // an ancestor is wanted whole
      size_t e = path.find('.', s);
      if (e == std::string::npos) e = path.size();
      const std::string seg = path.substr(s, e - s);
      Trie* next = const_cast<Trie*>(t->find(reinterpret_cast<const uint8_t*>(seg.data()), seg.size()));
      if (!next) {
        next = new Trie();
        t->add(seg, next);
      }
      t = next;
      if (e == path.size()) {
        t->take = true;
        t->clear();
        break;
      }
      s = e + 1;
    }
  }
  napi_value ext;
  if (napi_create_external(env, fields, deleteFields, nullptr, &ext) != napi_ok) {
    delete fields;
    return nullptr;
  }
  return ext;
}

// One buffer per thread, reused: a projection is copied out of it into a string and the memo.
thread_local std::string out;

// Projects bytes [start, end) of `buffer` into `out`: the fields, or nullptr (with undefined in
// `undef`) when the ordinary path must decide.
Fields* projectLine(napi_env env, napi_callback_info info, napi_value& undef) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_undefined(env, &undef);
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 4) return nullptr;
  void* fields;
  void* data;
  size_t len;
  uint32_t start, stop;
  if (napi_get_value_external(env, argv[0], &fields) != napi_ok || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &start) != napi_ok || napi_get_value_uint32(env, argv[3], &stop) != napi_ok ||
      start > stop || stop > len)
    return nullptr;
  Fields* f = static_cast<Fields*>(fields);
  out.clear();
  Reader r(env, static_cast<const uint8_t*>(data) + start, static_cast<const uint8_t*>(data) + stop, out);
  const bool ok = r.peek() == '{' && r.value(&f->root) && r.peek() == -1;
  return ok ? f : nullptr;
}

// see(fields, buffer, start, end): the wanted fields of the JSON object in bytes [start, end) as
// JSON text, or undefined when the ordinary path must decide; a text met before (since the last
// forget()) is answered with its number instead: the count of texts see() returned before it.
// Most lines of a hunt repeat an earlier projection (the same command on many hosts); a number
// spares making their string and hashing it again in JavaScript.
napi_value See(napi_env env, napi_callback_info info) {
  napi_value undef;
  Fields* f = projectLine(env, info, undef);
  if (!f) return undef;
  const auto at = f->seen.find(out);
  if (at != f->seen.end()) {
    napi_value n;
    return napi_create_uint32(env, at->second, &n) == napi_ok ? n : undef;
  }
  napi_value text;
  const bool made = napi_create_string_latin1(env, out.data(), out.size(), &text) == napi_ok;
  // Numbered only when returned as text: the caller's count and this one stay the same.
  if (made) {
    if (out.size() <= kMaxRemembered) f->seen.emplace(out, f->next);
    f->next++;
  }
  // A huge wanted value (a long line's) must not stay allocated for the thread's life.
  if (out.capacity() > (1u << 20)) std::string().swap(out);
  return made ? text : undef;
}

// forget(fields): see() starts afresh (numbers from 0).
napi_value Forget(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value undef;
  napi_get_undefined(env, &undef);
  void* fields;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok && argc == 1 &&
      napi_get_value_external(env, argv[0], &fields) == napi_ok) {
    Fields* f = static_cast<Fields*>(fields);
    std::unordered_map<std::string, uint32_t>().swap(f->seen);
    f->next = 0;
  }
  return undef;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"compile", nullptr, Compile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"see", nullptr, See, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"forget", nullptr, Forget, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}

}  // namespace

NAPI_MODULE_INIT() { return Init(env, exports); }
