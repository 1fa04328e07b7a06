//! Text folding: how a name is compared regardless of case and accents.
//!
//! It lives with the entities because a stored column is derived from it (`sort_name`, the
//! reading-order key of programs and people) and the migration that adds that column fills it
//! in with the same function; search's tokenizer folds each character the same way.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `é` → `e`, `Ä` → `a`, `ﬁ` → `fi`: compatibility decomposition, marks dropped, lower case.
pub fn fold_char(c: char) -> impl Iterator<Item = char> {
    std::iter::once(c)
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
}

/// The reading-order key of a name: folded, with runs of white space made one space and the
/// ends trimmed. Ordering these keys by code point (byte order, identical on SQLite and
/// PostgreSQL) orders names case- and accent-insensitively: "Visa V" before "VITEM XIV",
/// "Élan" with "elan". Equal keys are ordered by id.
pub fn sort_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(fold_char));
    }
    key
}

/// Sets `sort_name` from `name` when the name is being written (the entities' `before_save`).
pub fn keep_sort_key(
    name: &sea_orm::ActiveValue<String>,
    sort_name: &mut sea_orm::ActiveValue<String>,
) {
    if let sea_orm::ActiveValue::Set(name) = name {
        *sort_name = sea_orm::ActiveValue::Set(sort_key(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_accents_and_spacing() {
        assert_eq!(sort_key("  VITEM   XIV "), "vitem xiv");
        assert_eq!(sort_key("Élan Vital"), "elan vital");
        assert_eq!(sort_key("ﬁnance"), "finance");
        assert_eq!(sort_key("K字签证"), "k字签证");
        let mut names = ["VITEM XIV", "Visa V", "visa IV", "Äbc", "abd"];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names, ["Äbc", "abd", "visa IV", "Visa V", "VITEM XIV"]);
    }
}
