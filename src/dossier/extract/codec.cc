#include "dossier/extract/codec.h"

#include "dossier/util/bytes.h"

namespace dossier {
namespace {

constexpr uint8_t kFormat = 3;  // 2: the article's kind; 3: software the text calls ransomware

// One function per struct, shared by the writer and the reader (as the KB file does), so the two
// cannot drift. `Io` is Out or In below.
struct Out {
  ByteWriter w;
  void operator()(std::string& s) { w.str(s); }
  void operator()(size_t& v) { w.varint(v); }
  void operator()(bool& v) { w.boolean(v); }
  void operator()(double& v) { w.f64(v); }
  template <typename E>
  void enumeration(E& e) {
    w.varint(static_cast<uint64_t>(e));
  }
  template <typename T, typename F>
  void list(std::vector<T>& v, F&& each) {
    w.varint(v.size());
    for (auto& e : v) each(*this, e);
  }
  void strings(std::vector<std::string>& v) {
    list(v, [](Out& o, std::string& s) { o(s); });
  }
};

struct In {
  explicit In(std::string_view s, size_t text_size) : r(s), text_size(text_size) {}
  ByteReader r;
  size_t text_size;
  void operator()(std::string& s) { s = r.str(); }
  void operator()(size_t& v) { v = static_cast<size_t>(r.varint()); }
  void operator()(bool& v) { v = r.boolean(); }
  void operator()(double& v) { v = r.f64(); }
  template <typename E>
  void enumeration(E& e, uint64_t last) {
    uint64_t v = r.varint();
    if (v > last) r.fail();
    e = static_cast<E>(r.ok() ? v : 0);
  }
  template <typename T, typename F>
  void list(std::vector<T>& v, F&& each) {
    size_t n = r.count(1);
    v.clear();
    v.resize(n);
    for (auto& e : v) {
      if (!r.ok()) return;
      each(*this, e);
    }
  }
  void strings(std::vector<std::string>& v) {
    list(v, [](In& i, std::string& s) { i(s); });
  }
  void span(size_t begin, size_t end) {
    if (begin > end || end > text_size) r.fail();
  }
};

void enum_of(Out& o, EntityKind& k) { o.enumeration(k); }
void enum_of(In& i, EntityKind& k) { i.enumeration(k, static_cast<uint64_t>(EntityKind::Blocker)); }
void enum_of(Out& o, IndicatorType& t) { o.enumeration(t); }
void enum_of(In& i, IndicatorType& t) { i.enumeration(t, static_cast<uint64_t>(IndicatorType::RegistryKey)); }

void check_span(Out&, size_t, size_t) {}
void check_span(In& i, size_t begin, size_t end) { i.span(begin, end); }

template <typename Io>
void visit(Io& io, Span& s) {
  io(s.sentence);
  io(s.begin);
  io(s.end);
  check_span(io, s.begin, s.end);
}

template <typename Io>
void visit(Io& io, Sentence& s) {
  io(s.begin);
  io(s.end);
  io(s.paragraph);
  io(s.heading);
  io(s.list_item);
  check_span(io, s.begin, s.end);
}

template <typename Io>
void visit(Io& io, Indicator& x) {
  enum_of(io, x.type);
  io(x.value);
  io(x.defanged);
  io(x.original);
  io(x.begin);
  io(x.end);
  check_span(io, x.begin, x.end);
  io(x.was_defanged);
  io(x.malicious);
  io(x.role);
  io(x.confidence);
  io.strings(x.flags);
}

template <typename Io>
void visit(Io& io, EntityMention& m) {
  enum_of(io, m.kind);
  io.strings(m.ids);
  io(m.text);
  io(m.begin);
  io(m.end);
  check_span(io, m.begin, m.end);
  io(m.sentence);
  io(m.ambiguous);
  io(m.called_ransomware);
}

template <typename Io>
void visit(Io& io, DateMention& d) {
  io(d.value);
  io(d.granularity);
  io(d.text);
  io(d.begin);
  io(d.end);
  check_span(io, d.begin, d.end);
  io(d.sentence);
  io(d.event);
  io(d.relative);
  io(d.since);
}

template <typename Io>
void visit(Io& io, TechniqueMention& t) {
  io(t.id);
  io(t.score);
  io(t.begin);
  io(t.end);
  check_span(io, t.begin, t.end);
  io(t.named);
}

template <typename Io>
void visit(Io& io, Person& p) {
  io(p.name);
  io(p.role);
  io(p.organization);
  visit(io, p.evidence);
}

template <typename Io>
void visit(Io& io, Organization& o) {
  io(o.name);
  io(o.country);
  io(o.located);
  io(o.kind);
  visit(io, o.evidence);
}

template <typename Io>
void visit(Io& io, Victim& v) {
  io(v.name);
  io(v.country);
  io.strings(v.systems);
  io(v.activity);
  visit(io, v.evidence);
  io.strings(v.sectors);
}

template <typename Io>
void visit(Io& io, Attribution& a) {
  io.strings(a.attributors);
  io.strings(a.actors);
  io(a.sponsor_state);
  io.strings(a.sponsor_agencies);
  io(a.confidence);
  visit(io, a.evidence);
}

template <typename Io>
void visit(Io& io, Denial& d) {
  io(d.who);
  io(d.wording);
  visit(io, d.evidence);
}

template <typename Io>
void visit(Io& io, Extraction& x) {
  auto each = [](Io& i, auto& e) { visit(i, e); };
  io(x.article_id);
  io.list(x.sentences, each);
  io.list(x.indicators, each);
  io.list(x.mentions, each);
  io.list(x.dates, each);
  io.list(x.events.people, each);
  io.list(x.events.organizations, each);
  io.list(x.events.victims, each);
  io.list(x.events.attributions, each);
  io.list(x.events.denials, each);
  io.strings(x.events.responsible);
  io.strings(x.events.sponsor_states);
  io.strings(x.events.victim_sectors);
  io.list(x.techniques, each);
  std::string kind(article_kind_name(x.kind.kind));
  io(kind);
  x.kind.kind = article_kind_from_name(kind);
  io(x.kind.cue);
}

}  // namespace

std::string extractor_version(const KnowledgeBase& kb) { return "r" + std::to_string(kExtractionRules) + "-" + kb.fingerprint; }

std::string encode_extraction(const Extraction& x) {
  Out o;
  o.w.u8(kFormat);
  visit(o, const_cast<Extraction&>(x));  // Out only reads
  return o.w.take();
}

Result<Extraction> decode_extraction(std::string_view bytes, size_t text_size) {
  In i(bytes, text_size);
  if (i.r.u8() != kFormat) return Error{"stored extraction has an unknown format"};
  Extraction x;
  visit(i, x);
  if (!i.r.ok() || !i.r.at_end()) return Error{"stored extraction is truncated or corrupt"};
  return x;
}

}  // namespace dossier
