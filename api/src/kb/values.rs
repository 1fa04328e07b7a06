//! Values: turning text (an editor's input or researched wording) into exact values: slugs,
//! country and currency codes, URLs, partial dates and money. The editors' inputs and the
//! importer both parse with these.
//!
//! Every parser here refuses what it cannot read exactly; callers keep the original wording
//! instead of guessing.

use chrono::NaiveDate;
use entity::enums::DatePrecision;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The canonical form of a source URL, so that one page is one source: http(s) only, lower-case
/// scheme and host, no fragment, no default port, no `utm_*` tracking parameters.
pub fn normalize_url(raw: &str) -> Result<String, String> {
    let mut url = url::Url::parse(raw.trim()).map_err(|e| format!("not a valid URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must be an http or https URL".to_owned());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".to_owned());
    }
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Ok(url.to_string())
}

/// A date known to a day, a month or a year. The stored date is the first day of its period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    pub date: NaiveDate,
    pub precision: DatePrecision,
}

impl PartialDate {
    /// Reads `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, nothing else.
    pub fn parse_exact(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.split('-').collect();
        let number = |s: &str, len: usize| -> Option<u32> {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let year = i32::try_from(number(parts.first()?, 4)?).ok()?;
        let (month, day, precision) = match parts.len() {
            1 => (1, 1, DatePrecision::Year),
            2 => (number(parts[1], 2)?, 1, DatePrecision::Month),
            3 => (
                number(parts[1], 2)?,
                number(parts[2], 2)?,
                DatePrecision::Day,
            ),
            _ => return None,
        };
        NaiveDate::from_ymd_opt(year, month, day).map(|date| Self { date, precision })
    }

    /// Reads researched date text: an exact partial date, optionally followed by one
    /// parenthesised remark (`2025-08-07 (decree date)`), or an ISO date-time whose calendar day
    /// is taken as written (`2025-09-21T00:01-04:00`). Returns the date and whatever text was
    /// left out of it, which the caller keeps as a note. Anything else is not a date.
    pub fn parse_researched(text: &str) -> Option<(Self, Option<String>)> {
        let text = text.trim();
        if let Some(date) = Self::parse_exact(text) {
            return Some((date, None));
        }
        if let Some((day, _time)) = text.split_once('T')
            && let Some(date) = Self::parse_exact(day).filter(|d| d.precision == DatePrecision::Day)
        {
            return Some((date, Some(text.to_owned())));
        }
        let (head, rest) = text.split_once(' ')?;
        let rest = rest.trim();
        let remark = rest.strip_prefix('(')?.strip_suffix(')')?;
        if remark.contains('(') || remark.contains(')') {
            return None;
        }
        Self::parse_exact(head).map(|date| (date, Some(remark.to_owned())))
    }

    /// The date as text at its precision: `2025`, `2025-09` or `2025-09-21`.
    pub fn to_text(self) -> String {
        match self.precision {
            DatePrecision::Year => self.date.format("%Y").to_string(),
            DatePrecision::Month => self.date.format("%Y-%m").to_string(),
            DatePrecision::Day => self.date.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn from_parts(date: NaiveDate, precision: DatePrecision) -> Self {
        Self { date, precision }
    }

    /// A stored date and its precision column; a date stored without precision is a full date.
    pub fn stored(date: Option<NaiveDate>, precision: Option<DatePrecision>) -> Option<Self> {
        date.map(|date| Self::from_parts(date, precision.unwrap_or(DatePrecision::Day)))
    }
}

/// The start of `text` as a title of at most `max` characters: cut at the last word boundary
/// before the limit (never inside a word), with `…` when anything was cut.
pub fn short_title(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max).collect();
    // A first word longer than the limit is kept whole rather than cut.
    let cut = match head.rfind(char::is_whitespace) {
        Some(i) if !head[..i].trim().is_empty() => &head[..i],
        _ => text.split_whitespace().next().unwrap_or_default(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';')
    )
}

/// A stored date column and its precision column in a row snapshot, as text at its precision
/// (`2025-09`), or None when the date is unknown.
pub fn partial_date_text(
    row: &serde_json::Map<String, serde_json::Value>,
    date: &str,
    precision: &str,
) -> Option<String> {
    let date: NaiveDate = row.get(date)?.as_str()?.parse().ok()?;
    let precision = row
        .get(precision)
        .cloned()
        .and_then(|p| serde_json::from_value::<DatePrecision>(p).ok());
    PartialDate::stored(Some(date), precision).map(PartialDate::to_text)
}

/// Money is stored as an integer count of 1/10_000 of the currency unit.
pub const MONEY_SCALE: u32 = 4;

/// Reads an exact decimal amount (`100000`, `"1035.50"`) into 1/10_000 units. Refuses negative
/// amounts, more than four decimals and anything that is not one number.
pub fn parse_money_e4(text: &str) -> Result<i64, String> {
    let amount =
        Decimal::from_str(text.trim()).map_err(|_| format!("`{text}` is not a decimal amount"))?;
    money_to_e4(amount)
}

pub fn money_to_e4(amount: Decimal) -> Result<i64, String> {
    if amount.is_sign_negative() {
        return Err("must not be negative".to_owned());
    }
    if amount.normalize().scale() > MONEY_SCALE {
        return Err(format!("has more than {MONEY_SCALE} decimal places"));
    }
    let scaled = amount * Decimal::from(10_000);
    i64::try_from(scaled.trunc()).map_err(|_| "is too large".to_owned())
}

/// The exact decimal of a stored amount.
pub fn e4_to_money(e4: i64) -> Decimal {
    Decimal::new(e4, MONEY_SCALE).normalize()
}

/// An assigned ISO 3166-1 alpha-2 code, upper case.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && COUNTRY_CODES.split_ascii_whitespace().any(|c| c == code)
}

/// The officially assigned ISO 3166-1 alpha-2 codes, and `XK` (Kosovo), which the European
/// Commission and many visa authorities use.
const COUNTRY_CODES: &str = "\
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ \
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM \
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS \
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN \
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ \
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM \
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV \
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI \
    VN VU WF WS YE YT ZA ZM ZW XK";

/// An ISO 4217 currency code, upper case.
pub fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && CURRENCY_CODES.split_ascii_whitespace().any(|c| c == code)
}

/// ISO 4217 currency codes (current, and recently replaced ones that old fees may be in);
/// not the test and "no currency" codes.
const CURRENCY_CODES: &str = "\
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD \
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP \
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS \
    INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD \
    MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR \
    PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS \
    SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW \
    UZS VED VES VND VUV WST XAF XCD XCG XDR XOF XPF YER ZAR ZMW ZWG ZWL";

/// Slugs are lowercase ASCII words joined by single hyphens, at most 120 characters.
pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// Declares a text value whose only constructor parses: once built, it is valid.
macro_rules! text_value {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

text_value!(
    /// A record's stable, URL-safe identifier: lowercase ASCII words joined by single hyphens,
    /// at most 120 characters.
    Slug
);
text_value!(
    /// An assigned ISO 3166-1 alpha-2 code (or `XK`), upper case.
    CountryCode
);
text_value!(
    /// An ISO 4217 currency code, upper case.
    CurrencyCode
);
text_value!(
    /// A BCP 47-shaped language tag: a 2–3 letter language, then alphanumeric subtags.
    LanguageTag
);
text_value!(
    /// An http(s) URL in its canonical form (see [`normalize_url`]).
    WebUrl
);

impl Slug {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if is_slug(text) {
            Ok(Self(text.to_owned()))
        } else {
            Err("a slug is lowercase letters, digits and single hyphens (at most 120), e.g. `cn-k-visa`".to_owned())
        }
    }
}

impl CountryCode {
    /// Any case is read; the code is stored upper case.
    pub fn parse(text: &str) -> Result<Self, String> {
        let code = text.trim().to_uppercase();
        if is_country_code(&code) {
            Ok(Self(code))
        } else {
            Err(format!(
                "`{}` is not an ISO 3166-1 alpha-2 code, e.g. `CN`",
                text.trim()
            ))
        }
    }
}

impl CurrencyCode {
    /// Any case is read; the code is stored upper case.
    pub fn parse(text: &str) -> Result<Self, String> {
        let code = text.trim().to_uppercase();
        if is_currency_code(&code) {
            Ok(Self(code))
        } else {
            Err(format!(
                "`{}` is not an ISO 4217 currency code, e.g. `USD`",
                text.trim()
            ))
        }
    }
}

impl LanguageTag {
    pub fn parse(text: &str) -> Result<Self, String> {
        let tag = text.trim();
        let mut parts = tag.split('-');
        let language = parts.next().is_some_and(|p| {
            (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic())
        });
        let subtags = parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
        if language && subtags {
            Ok(Self(tag.to_owned()))
        } else {
            Err("a language tag such as `en` or `zh-CN`".to_owned())
        }
    }
}

impl WebUrl {
    pub fn parse(text: &str) -> Result<Self, String> {
        normalize_url(text).map(Self)
    }
}

/// An exact, non-negative amount, stored in 1/10,000 of the currency unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(i64);

impl Money {
    pub fn parse(text: &str) -> Result<Self, String> {
        parse_money_e4(text).map(Self)
    }

    pub fn from_decimal(amount: Decimal) -> Result<Self, String> {
        money_to_e4(amount).map(Self)
    }

    /// The stored form: 1/10,000 units.
    pub fn e4(self) -> i64 {
        self.0
    }

    pub fn amount(self) -> Decimal {
        e4_to_money(self.0)
    }
}

/// Rejects a malformed slug (argument `field`) before it reaches the database.
pub fn check_slug(field: &str, slug: &str) -> Result<(), crate::kb::error::ApiError> {
    if is_slug(slug) {
        Ok(())
    } else {
        Err(crate::kb::error::ApiError::bad_input(
            field,
            "a slug is lowercase letters, digits and single hyphens (at most 120), e.g. `cn-k-visa`",
        ))
    }
}

/// Rejects text (argument or parameter `field`) that a database cannot hold: PostgreSQL's text
/// types refuse NUL (U+0000), where SQLite would store it, so both refuse it here, before any
/// query, as the caller's mistake.
pub fn check_storable(field: &str, text: &str) -> Result<(), crate::kb::error::ApiError> {
    if text.contains('\0') {
        Err(crate::kb::error::ApiError::bad_input(
            field,
            "text must not contain NUL characters (U+0000)",
        ))
    } else {
        Ok(())
    }
}

/// A day given as text (a query parameter `field`): `YYYY-MM-DD`, surrounding blanks ignored.
pub fn parse_day(field: &str, text: &str) -> Result<NaiveDate, crate::kb::error::ApiError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        crate::kb::error::ApiError::bad_input(field, format!("`{text}` is not a date (YYYY-MM-DD)"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_from_iso_text_only() {
        assert_eq!(
            parse_day("from", " 2025-10-01 ").ok(),
            NaiveDate::from_ymd_opt(2025, 10, 1)
        );
        for bad in ["2025-10", "01/10/2025", "2025-02-30", ""] {
            assert!(parse_day("from", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn short_titles_end_at_a_word() {
        assert_eq!(short_title("short", 80), "short");
        assert_eq!(
            short_title("The K visa could limit the pool of applicants", 24),
            "The K visa could limit…"
        );
        assert_eq!(
            short_title("Supercalifragilistic words", 5),
            "Supercalifragilistic…"
        );
    }

    #[test]
    fn nul_is_not_storable_text() {
        assert!(check_storable("text", "visa").is_ok());
        assert!(check_storable("text", "K字签证").is_ok());
        assert!(check_storable("text", "visa\0").is_err());
    }

    #[test]
    fn values_parse_or_refuse() {
        assert_eq!(
            Slug::parse(" cn-k-visa ").map(String::from),
            Ok("cn-k-visa".to_owned())
        );
        for bad in [
            "",
            "CN-K",
            "-k",
            "k-",
            "k--visa",
            "k_visa",
            &"a".repeat(121),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            CountryCode::parse("cn").map(String::from),
            Ok("CN".to_owned())
        );
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("CHN").is_err());
        assert_eq!(
            CurrencyCode::parse(" usd").map(String::from),
            Ok("USD".to_owned())
        );
        assert!(CurrencyCode::parse("XXX").is_err());
        assert!(LanguageTag::parse("zh-CN").is_ok());
        assert!(LanguageTag::parse("en").is_ok());
        for bad in ["e", "english!", "zh-", "zh-toolongsubtag"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            WebUrl::parse("HTTPS://Example.org/a?utm_source=x#top").map(String::from),
            Ok("https://example.org/a".to_owned())
        );
        assert!(WebUrl::parse("ftp://example.org").is_err());
        assert_eq!(Money::parse("100000").map(Money::e4), Ok(1_000_000_000));
        assert_eq!(
            Money::parse("1035.50").map(|m| m.amount().to_string()),
            Ok("1035.5".to_owned())
        );
        assert!(Money::parse("-1").is_err());
        assert!(Money::parse("1.00001").is_err());
    }

    #[test]
    fn urls_are_normalised() {
        assert_eq!(
            normalize_url("HTTPS://Example.COM:443/a?utm_source=x&b=1#frag").as_deref(),
            Ok("https://example.com/a?b=1")
        );
        assert!(normalize_url("ftp://example.com").is_err());
        assert!(normalize_url("not a url").is_err());
    }

    #[test]
    fn researched_dates_keep_what_they_drop() {
        let (d, note) = PartialDate::parse_researched("2025-08-07 (decree date)")
            .unwrap_or_else(|| panic!("date"));
        assert_eq!(d.to_text(), "2025-08-07");
        assert_eq!(note.as_deref(), Some("decree date"));
        let (d, note) = PartialDate::parse_researched("2025-09-21T00:01-04:00")
            .unwrap_or_else(|| panic!("date"));
        assert_eq!(
            (d.to_text(), d.precision),
            ("2025-09-21".to_owned(), DatePrecision::Day)
        );
        assert!(note.is_some());
        assert_eq!(
            PartialDate::parse_researched("2025-09").map(|(d, _)| d.precision),
            Some(DatePrecision::Month)
        );
        assert!(PartialDate::parse_researched("unknown").is_none());
        assert!(PartialDate::parse_researched("2023/2024").is_none());
        assert!(
            PartialDate::parse_researched("2013-09-01 (R category); 2018-01-01 (current)")
                .is_none()
        );
        assert!(PartialDate::parse_researched("2025-02-30").is_none());
    }

    #[test]
    fn money_is_exact() {
        assert_eq!(parse_money_e4("100000"), Ok(1_000_000_000));
        assert_eq!(parse_money_e4("0.1"), Ok(1_000));
        assert!(parse_money_e4("1.00001").is_err());
        assert!(parse_money_e4("-5").is_err());
        assert_eq!(e4_to_money(7_800_000).to_string(), "780");
    }
}
