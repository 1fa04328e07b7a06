//! How strongly a citation supports a fact: what the research claims for the fact, but never
//! more than the kind of source can confirm. An agency report or a news story is secondary
//! however official the fact it reports; a social-media post confirms nothing.

use entity::enums::{Confidence, SourceKind};

fn rank(c: Confidence) -> u8 {
    match c {
        Confidence::Unverified => 0,
        Confidence::Secondary => 1,
        Confidence::Official => 2,
    }
}

/// The most a source of this kind can confirm.
pub fn ceiling(kind: SourceKind) -> Confidence {
    match kind {
        SourceKind::Official | SourceKind::LegalText => Confidence::Official,
        SourceKind::News
        | SourceKind::LawFirm
        | SourceKind::Academic
        | SourceKind::Ngo
        | SourceKind::Dataset
        | SourceKind::Other => Confidence::Secondary,
        SourceKind::SocialMedia => Confidence::Unverified,
    }
}

/// A citation's confidence: the fact's (`claimed`; None when unknown, which stays unknown),
/// capped by what its source is.
pub fn of_citation(claimed: Option<Confidence>, source: SourceKind) -> Option<Confidence> {
    let cap = ceiling(source);
    claimed.map(|c| if rank(c) > rank(cap) { cap } else { c })
}

/// The write rule for an editor's citation: its confidence may not claim more than its source
/// can confirm. The error names the most the source allows.
pub fn check_claim(claimed: Option<Confidence>, source: SourceKind) -> Result<(), String> {
    match claimed {
        Some(c) if rank(c) > rank(ceiling(source)) => Err(format!(
            "a {} source confirms at most {}",
            source.as_str().replace('_', " "),
            ceiling(source).as_str().to_uppercase()
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_citation_is_no_stronger_than_its_source() {
        let official = Some(Confidence::Official);
        assert_eq!(of_citation(official, SourceKind::Official), official);
        assert_eq!(of_citation(official, SourceKind::LegalText), official);
        assert_eq!(
            of_citation(official, SourceKind::News),
            Some(Confidence::Secondary)
        );
        assert_eq!(
            of_citation(official, SourceKind::SocialMedia),
            Some(Confidence::Unverified)
        );
        // Weaker research stays weaker, unknown stays unknown.
        assert_eq!(
            of_citation(Some(Confidence::Unverified), SourceKind::Official),
            Some(Confidence::Unverified)
        );
        assert_eq!(of_citation(None, SourceKind::Official), None);
    }

    #[test]
    fn an_editor_may_not_claim_more_than_the_source() {
        assert_eq!(
            check_claim(Some(Confidence::Official), SourceKind::News),
            Err("a news source confirms at most SECONDARY".to_owned())
        );
        assert!(check_claim(Some(Confidence::Secondary), SourceKind::LawFirm).is_ok());
        assert!(check_claim(Some(Confidence::Official), SourceKind::LegalText).is_ok());
        assert!(check_claim(None, SourceKind::SocialMedia).is_ok());
    }
}
