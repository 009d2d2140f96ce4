#include "dossier/pipeline/stored.h"

#include "dossier/cluster/profile.h"
#include "dossier/extract/codec.h"

namespace dossier {

Result<std::optional<Extraction>> read_stored_extraction(Store& store, const KnowledgeBase& kb, const Article& article) {
  auto stored = store.get_extraction(article.id);
  if (!stored.ok()) return Error{stored.error()};
  if (!*stored || (*stored)->version != extractor_version(kb)) return std::optional<Extraction>();
  auto x = decode_extraction((*stored)->data, article.text.size());
  if (!x.ok()) return std::optional<Extraction>();  // corrupt: treated as absent, extracted again
  return std::optional<Extraction>(std::move(x).value());
}

Status store_extraction(Store& store, const KnowledgeBase& kb, const Extraction& extraction) {
  return store.put_extraction(extraction.article_id, StoredExtraction{extractor_version(kb), encode_extraction(extraction), std::string(article_kind_name(extraction.kind.kind))});
}

Result<Extraction> stored_extraction(Store& store, const Extractor& extractor, const Article& article) {
  auto have = read_stored_extraction(store, extractor.kb(), article);
  if (!have.ok()) return Error{have.error()};
  if (*have) return std::move(**have);
  Extraction x = extractor.extract(article);
  // A read-only handle refuses the write; the fresh extraction is still the answer.
  (void)store_extraction(store, extractor.kb(), x);
  return x;
}

ProfileSource stored_profiles(Store& store, const Extractor& extractor) {
  return [&store, &extractor](const std::string& id) -> Result<ArticleProfile> {
    auto a = store.get_article(id, false);
    if (!a.ok()) return Error{a.error()};
    if (!*a) return Error{"not stored"};
    auto x = stored_extraction(store, extractor, **a);
    if (!x.ok()) return Error{x.error()};
    return profile_article(**a, *x, extractor.kb());
  };
}

Result<UnclusteredQueued> queue_unclustered(Store& store, const Extractor& extractor, Clusterer& clusterer,
                                            const std::function<void(const std::string&, const std::string&)>& on_error) {
  auto ids = store.unclustered_articles();
  if (!ids.ok()) return Error{ids.error()};
  UnclusteredQueued out;
  auto profiles = stored_profiles(store, extractor);
  for (const auto& id : *ids) {
    auto p = profiles(id);
    if (!p.ok()) {
      ++out.failed;
      if (on_error) on_error(id, p.error());
      continue;
    }
    if (auto st = clusterer.add(std::move(p).value()); !st.ok()) return Error{"clustering: " + st.error()};
    ++out.queued;
  }
  return out;
}

}  // namespace dossier
