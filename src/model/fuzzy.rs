//! Fuzzy filtering with nucleo: one searchable string per row (every attribute joined, so a
//! fragment of an account id taken from an ARN matches as well as a name), ranked by score,
//! plus match positions inside a displayed cell for highlighting.

use nucleo::Matcher;
use nucleo::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo::{Utf32Str, Utf32String};

/// Prebuilt haystacks for a list.
#[derive(Debug, Default, Clone)]
pub struct FuzzyIndex {
    haystacks: Vec<Utf32String>,
}

impl FuzzyIndex {
    /// Build from one string per row.
    pub fn new(rows: impl IntoIterator<Item = String>) -> FuzzyIndex {
        FuzzyIndex {
            haystacks: rows.into_iter().map(Utf32String::from).collect(),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.haystacks.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.haystacks.is_empty()
    }

    /// Rows matching `query`, best first (ties keep row order). An empty query keeps every
    /// row in order with score 0. Large lists are scored on all cores.
    pub fn filter(&self, query: &str) -> Vec<(usize, u32)> {
        self.filter_within(query, None)
    }

    /// Like [`FuzzyIndex::filter`], scoring only the rows in `within` when given (narrowing
    /// while someone types).
    pub fn filter_within(&self, query: &str, within: Option<&[usize]>) -> Vec<(usize, u32)> {
        let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
        if pattern.atoms.is_empty() {
            return (0..self.haystacks.len()).map(|i| (i, 0)).collect();
        }
        let candidates: Vec<usize> = match within {
            Some(w) => w.to_vec(),
            None => (0..self.haystacks.len()).collect(),
        };
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        let chunk = candidates.len().div_ceil(threads).max(4096);
        let mut hits: Vec<(usize, u32)> = std::thread::scope(|s| {
            let handles: Vec<_> = candidates
                .chunks(chunk)
                .map(|rows| {
                    let pattern = &pattern;
                    let hay = &self.haystacks;
                    s.spawn(move || {
                        let mut matcher = Matcher::new(nucleo::Config::DEFAULT);
                        rows.iter()
                            .filter_map(|&i| {
                                pattern
                                    .score(hay[i].slice(..), &mut matcher)
                                    .map(|sc| (i, sc))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        hits
    }
}

/// A filter that narrows incrementally: when the new query extends the previous one (as
/// typing does), only the previous matches are scored again — a longer pattern can only match
/// a subset. Any other change (deleting, editing the middle, negations) rescans every row.
#[derive(Debug, Default, Clone)]
pub struct IncrementalFilter {
    last: String,
    hits: Vec<(usize, u32)>,
}

impl IncrementalFilter {
    /// Apply `query` to `index`; returns the ranked matches.
    pub fn apply(&mut self, index: &FuzzyIndex, query: &str) -> &[(usize, u32)] {
        let narrows = !self.last.trim().is_empty()
            && query.starts_with(&self.last)
            && !query.contains(&['!', '$', '\\'][..]);
        self.hits = if narrows {
            let mut within: Vec<usize> = self.hits.iter().map(|h| h.0).collect();
            within.sort_unstable();
            index.filter_within(query, Some(&within))
        } else {
            index.filter(query)
        };
        self.last = query.to_string();
        &self.hits
    }

    /// Forget the previous query (the rows changed).
    pub fn reset(&mut self) {
        self.last.clear();
        self.hits.clear();
    }
}

/// One query matched against texts one at a time, for rows kept in no index (a live stream
/// whose visible text depends on what has been resolved so far).
pub struct TextQuery {
    pattern: Pattern,
    matcher: Matcher,
    buf: Vec<char>,
}

impl TextQuery {
    /// The query, or `None` when it has no words (everything matches). `exact` matches each
    /// word as a fragment (`198.51` then skips `198.18.54.151`); otherwise fuzzily, with
    /// nucleo's syntax (`'word`, `^start`, `end$`, `!not`).
    pub fn new(query: &str, exact: bool) -> Option<TextQuery> {
        let pattern = if exact {
            Pattern::new(
                query,
                CaseMatching::Smart,
                Normalization::Smart,
                AtomKind::Substring,
            )
        } else {
            Pattern::parse(query, CaseMatching::Smart, Normalization::Smart)
        };
        (!pattern.atoms.is_empty()).then(|| TextQuery {
            pattern,
            matcher: Matcher::new(nucleo::Config::DEFAULT),
            buf: Vec::new(),
        })
    }

    /// Whether every word of the query matches `text` (fuzzy, smart case).
    pub fn matches(&mut self, text: &str) -> bool {
        let hay = Utf32Str::new(text, &mut self.buf);
        self.pattern.score(hay, &mut self.matcher).is_some()
    }

    /// Whether every word of the query matches within one of `fields` (the cells of a row):
    /// letters scattered across a long row's columns do not make a match.
    pub fn matches_fields(&mut self, fields: &[&str]) -> bool {
        let hays: Vec<Utf32String> = fields.iter().map(|f| Utf32String::from(*f)).collect();
        self.pattern.atoms.iter().all(|atom| {
            hays.iter()
                .any(|h| atom.score(h.slice(..), &mut self.matcher).is_some())
        })
    }
}

/// Character positions in `text` matched by any word of `query` (for highlighting one cell).
pub fn match_positions(query: &str, text: &str) -> Vec<usize> {
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    if pattern.atoms.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let mut matcher = Matcher::new(nucleo::Config::DEFAULT);
    let mut buf = Vec::new();
    let hay = Utf32Str::new(text, &mut buf);
    let mut out: Vec<u32> = Vec::new();
    for atom in &pattern.atoms {
        let mut idx = Vec::new();
        if Atom::indices(atom, hay, &mut matcher, &mut idx).is_some() {
            out.extend(idx);
        }
    }
    out.sort_unstable();
    out.dedup();
    out.into_iter().map(|i| i as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_across_attributes_and_ranks() {
        let idx = FuzzyIndex::new(vec![
            "payments-prod 502938475610 aws+payments-prod@acme.example DeveloperAccess".to_string(),
            "data-lake-prod 112233445566 aws+data@acme.example ReadOnlyAccess".to_string(),
            "sandbox 998877665544 aws+sandbox@acme.example AdministratorAccess".to_string(),
        ]);
        let hits = idx.filter("pay dev");
        assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), vec![0]);
        let hits = idx.filter("938475");
        assert_eq!(hits[0].0, 0, "an account id fragment matches");
        assert_eq!(idx.filter("").len(), 3);
        assert!(idx.filter("zzzz").is_empty());
    }

    #[test]
    fn narrowing_gives_the_same_answer_as_a_full_scan() {
        let rows: Vec<String> = (0..5000)
            .map(|i| format!("acct-{i} {} role-{}", i * 7, i % 13))
            .collect();
        let idx = FuzzyIndex::new(rows);
        let mut inc = IncrementalFilter::default();
        for q in ["a", "ac", "acc 1", "acc 12", "acc 12 role-1", "acc 1", "x"] {
            let narrowed = inc.apply(&idx, q).to_vec();
            assert_eq!(narrowed, idx.filter(q), "query {q:?}");
        }
    }

    #[test]
    fn a_text_query_matches_fragments_of_what_a_row_shows() {
        let row = "12-05 09:14:03 ok olivia.chen GetRoleCredentials 198.51.100.23 aws-cli/2";
        for q in ["olivia", "GetRole", "198.51", "olivia getrole"] {
            assert!(TextQuery::new(q, false).unwrap().matches(row), "{q}");
        }
        assert!(!TextQuery::new("zzz", false).unwrap().matches(row));
        let cells = [
            "12-05 09:14:03",
            "ok",
            "Jordan Lee",
            "CredentialVerification",
            "Chrome 131",
        ];
        assert!(
            !TextQuery::new("olivia", false)
                .unwrap()
                .matches_fields(&cells),
            "letters scattered over several cells are no match"
        );
        assert!(
            TextQuery::new("jor cred", false)
                .unwrap()
                .matches_fields(&cells)
        );
        let ip = ["198.18.54.151"];
        assert!(TextQuery::new("198.51", false).unwrap().matches_fields(&ip));
        assert!(
            !TextQuery::new("198.51", true).unwrap().matches_fields(&ip),
            "exact fragments only"
        );
        assert!(TextQuery::new("  ", false).is_none());
    }

    #[test]
    fn positions_for_highlighting() {
        assert_eq!(match_positions("prd", "payments-prod"), vec![9, 10, 12]);
        assert!(match_positions("xyz", "payments").is_empty());
    }
}
