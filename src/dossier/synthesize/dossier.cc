#include "dossier/synthesize/dossier.h"

#include "dossier/synthesize/assemble.h"
#include "dossier/synthesize/claims.h"
#include "dossier/util/time.h"

namespace dossier {

Dossier build_dossier(const DossierInput& in, const KnowledgeBase& kb) {
  Dossier d;
  d.incident_id = in.incident.id;
  d.title = in.incident.title;
  d.first_seen = in.incident.first_seen;
  d.last_seen = in.incident.last_seen;
  d.incident_version = in.incident.version;
  d.generated_at = now_iso8601();

  const synth::Sources sources = synth::number_sources(in, d);
  d.claims = group_claims(sources.order, kb);
  const synth::Gathered gathered = synth::gather(sources, kb);
  const synth::ClaimPicker picker(d.claims, gathered);
  d.key_points = synth::choose_key_points(picker);
  d.conflicts = synth::find_conflicts(d.claims, gathered);
  d.brief = synth::write_brief(picker, gathered, d.conflicts);
  d.report = synth::write_report(d, picker, gathered, sources, kb);
  d.recommendations = synth::recommend(d.report, gathered, kb);
  return d;
}

}  // namespace dossier
