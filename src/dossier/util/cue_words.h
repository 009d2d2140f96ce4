// Phrase lists that more than one stage asks about, kept once so that extraction and synthesis
// agree on what a sentence says (a denial found by extraction is a denial in the dossier).
#pragma once

namespace dossier::cue_words {

// Someone rejects an accusation.
inline constexpr const char* kDenial[] = {"denied", "denies", "deny", "rejected the accusation", "rejected the claim",
                                          "rejected the allegation", "groundless", "baseless", "unfounded",
                                          "dismissed the accusation", "dismissed the claim", "refuted", "smear",
                                          "opposes all forms", "staunch opponent"};

// A sentence opening with one of these points back to an earlier sentence ("They", "The company"):
// it cannot stand alone.
inline constexpr const char* kDanglingOpeners[] = {"he ", "she ", "it ", "they ", "this ", "that ", "these ", "those ", "but ",
                                                   "and ", "or ", "so ", "its ", "their ", "his ", "her ", "there ",
                                                   "the company ", "the group ", "the firm "};

}  // namespace dossier::cue_words
