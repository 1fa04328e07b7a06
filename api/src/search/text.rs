//! The one tokenizer of search, used for indexing and for queries alike, so that both backends
//! match exactly the same way: accents and case folded, English words stemmed (Snowball), and
//! Chinese, Japanese and Korean text cut into single characters and pairs of neighbours (a
//! word boundary is not marked in those scripts).

use entity::folding::fold_char;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Longest term kept (longer words are cut; they still match by prefix).
pub const MAX_TERM: usize = 48;

/// Words too common to say anything.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "to", "with",
];

/// A term and where it came from in the original text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub start: usize,
    pub end: usize,
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Han, kana, Hangul and their punctuation-free neighbours.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // hiragana, katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // compatibility ideographs
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0x20000..=0x2FFFF // supplementary ideographs
    )
}

/// `é` → `e`, `Ä` → `a`, `ﬁ` → `fi`, as reading order folds names.
fn fold(c: char) -> String {
    fold_char(c).collect()
}

fn word_term(word: &str) -> Option<String> {
    if STOPWORDS.contains(&word) {
        return None;
    }
    let stemmed = if word.chars().all(|c| c.is_ascii_alphabetic()) {
        stemmer().stem(word).into_owned()
    } else {
        word.to_owned()
    };
    Some(stemmed.chars().take(MAX_TERM).collect())
}

/// The terms of `text`, in order, with their places in it.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut word_start = 0;
    let mut cjk: Vec<(char, usize, usize)> = Vec::new();
    let flush_word = |word: &mut String, start: usize, end: usize, tokens: &mut Vec<Token>| {
        if let Some(term) = word_term(word) {
            tokens.push(Token { term, start, end });
        }
        word.clear();
    };
    let flush_cjk = |run: &mut Vec<(char, usize, usize)>, tokens: &mut Vec<Token>| {
        for (i, (c, start, end)) in run.iter().enumerate() {
            tokens.push(Token {
                term: c.to_string(),
                start: *start,
                end: *end,
            });
            if let Some((next, _, next_end)) = run.get(i + 1) {
                tokens.push(Token {
                    term: format!("{c}{next}"),
                    start: *start,
                    end: *next_end,
                });
            }
        }
        run.clear();
    };
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        if is_cjk(c) {
            if !word.is_empty() {
                flush_word(&mut word, word_start, at, &mut tokens);
            }
            cjk.push((c, at, end));
            continue;
        }
        if !cjk.is_empty() {
            flush_cjk(&mut cjk, &mut tokens);
        }
        let folded = fold(c);
        if !folded.is_empty() && folded.chars().all(char::is_alphanumeric) {
            if word.is_empty() {
                word_start = at;
            }
            word.push_str(&folded);
        } else if !word.is_empty() {
            flush_word(&mut word, word_start, at, &mut tokens);
        }
    }
    if !word.is_empty() {
        flush_word(&mut word, word_start, text.len(), &mut tokens);
    }
    flush_cjk(&mut cjk, &mut tokens);
    tokens
}

/// Whether a term is CJK (matched exactly, not as a prefix).
pub fn is_cjk_term(term: &str) -> bool {
    term.chars().next().is_some_and(is_cjk)
}

/// The distinct terms of a query, in order (at most 12: a longer query says no more). In a run
/// of several CJK characters the pairs say it all; a lone character stands for itself.
pub fn query_terms(query: &str) -> Vec<String> {
    let tokens = tokenize(query);
    let in_pair = |t: &Token| {
        tokens.iter().any(|p| {
            p.term.chars().count() == 2
                && is_cjk_term(&p.term)
                && (p.start == t.start || p.end == t.end)
        })
    };
    let mut terms: Vec<String> = Vec::new();
    for token in tokens.iter().cloned() {
        if is_cjk_term(&token.term) && token.term.chars().count() == 1 && in_pair(&token) {
            continue;
        }
        if !terms.contains(&token.term) {
            terms.push(token.term);
        }
    }
    terms.truncate(12);
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn folds_case_and_accents_and_stems_english() {
        assert_eq!(
            terms("Résidence PERMITS for Sponsored workers"),
            ["resid", "permit", "sponsor", "worker"]
        );
        assert_eq!(query_terms("K字签证"), ["k", "字签", "签证"]);
        assert_eq!(query_terms("签"), ["签"]);
        assert_eq!(terms("São Paulo, Zürich"), ["sao", "paulo", "zurich"]);
    }

    #[test]
    fn cuts_cjk_into_characters_and_pairs_with_offsets() {
        let tokens = tokenize("K字签证");
        let terms: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, ["k", "字", "字签", "签", "签证", "证"]);
        let pair = &tokens[4];
        assert_eq!(&"K字签证"[pair.start..pair.end], "签证");
        assert_eq!(
            terms_of("高度人材"),
            ["高", "高度", "度", "度人", "人", "人材", "材"]
        );
    }

    fn terms_of(text: &str) -> Vec<String> {
        terms(text)
    }

    #[test]
    fn queries_drop_stopwords_and_repeats() {
        assert_eq!(query_terms("the visa and the VISA"), ["visa"]);
    }
}
