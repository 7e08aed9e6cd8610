//! Accounts and roles the signed-in person can reach, as listed by the access portal, with
//! the age of the listing and what changed since the last one.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One account and its roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountEntry {
    /// 12-digit id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// Root email.
    pub email_address: String,
    /// Role names; `None` while still loading.
    pub roles: Option<Vec<String>>,
}

/// A whole listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Listing {
    /// Accounts by id.
    pub accounts: BTreeMap<String, AccountEntry>,
    /// When it was listed.
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
}

impl Listing {
    /// The account named by `input`: its 12-digit id or its name (case-insensitive). Unknown
    /// ones are an error naming the closest accounts.
    pub fn resolve(&self, input: &str) -> Result<&AccountEntry, String> {
        let input = input.trim();
        if let Some(a) = self.accounts.get(input) {
            return Ok(a);
        }
        if let Some(a) = self
            .accounts
            .values()
            .find(|a| a.account_name.eq_ignore_ascii_case(input))
        {
            return Ok(a);
        }
        let labels: Vec<String> = self
            .accounts
            .values()
            .map(|a| format!("{} ({})", a.account_name, a.account_id))
            .collect();
        let close = super::words::closest(input, labels.iter().map(String::as_str))
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>();
        Err(super::words::unknown(
            "account",
            input,
            &close,
            "`centry accounts` lists yours",
        ))
    }
}

/// What changed between two listings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingDiff {
    /// Accounts now present that were not.
    pub added: BTreeSet<String>,
    /// Accounts gone.
    pub removed: BTreeSet<String>,
    /// (account, role) pairs gained.
    pub roles_added: BTreeSet<(String, String)>,
    /// (account, role) pairs lost.
    pub roles_removed: BTreeSet<(String, String)>,
}

impl ListingDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.roles_added.is_empty()
            && self.roles_removed.is_empty()
    }
}

impl Listing {
    /// An empty listing as of now.
    pub fn empty(now: OffsetDateTime) -> Listing {
        Listing {
            accounts: BTreeMap::new(),
            as_of: now,
        }
    }

    /// How many (account, role) pairs are known.
    pub fn role_count(&self) -> usize {
        self.accounts
            .values()
            .map(|a| a.roles.as_ref().map_or(0, Vec::len))
            .sum()
    }

    /// What `newer` adds and removes relative to `self`. Accounts whose roles are still
    /// loading in `newer` do not count as losing roles.
    pub fn diff(&self, newer: &Listing) -> ListingDiff {
        let mut d = ListingDiff::default();
        for id in newer.accounts.keys() {
            if !self.accounts.contains_key(id) {
                d.added.insert(id.clone());
            }
        }
        for id in self.accounts.keys() {
            if !newer.accounts.contains_key(id) {
                d.removed.insert(id.clone());
            }
        }
        for (id, new) in &newer.accounts {
            let Some(new_roles) = &new.roles else {
                continue;
            };
            let old_roles: BTreeSet<&String> = self
                .accounts
                .get(id)
                .and_then(|a| a.roles.as_ref())
                .map(|r| r.iter().collect())
                .unwrap_or_default();
            let new_set: BTreeSet<&String> = new_roles.iter().collect();
            if self.accounts.contains_key(id) {
                for r in new_set.difference(&old_roles) {
                    d.roles_added.insert((id.clone(), (*r).clone()));
                }
                for r in old_roles.difference(&new_set) {
                    d.roles_removed.insert((id.clone(), (*r).clone()));
                }
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, roles: Option<&[&str]>) -> AccountEntry {
        AccountEntry {
            account_id: id.into(),
            account_name: format!("n{id}"),
            email_address: String::new(),
            roles: roles.map(|r| r.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn listing(entries: Vec<AccountEntry>) -> Listing {
        Listing {
            accounts: entries
                .into_iter()
                .map(|e| (e.account_id.clone(), e))
                .collect(),
            as_of: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn diff_reports_new_removed_and_role_changes() {
        let old = listing(vec![
            entry("1", Some(&["A", "B"])),
            entry("2", Some(&["A"])),
        ]);
        let new = listing(vec![
            entry("1", Some(&["A", "C"])),
            entry("3", Some(&["A"])),
        ]);
        let d = old.diff(&new);
        assert_eq!(d.added, ["3".to_string()].into());
        assert_eq!(d.removed, ["2".to_string()].into());
        assert_eq!(d.roles_added, [("1".to_string(), "C".to_string())].into());
        assert_eq!(d.roles_removed, [("1".to_string(), "B".to_string())].into());
    }

    #[test]
    fn loading_roles_are_not_losses() {
        let old = listing(vec![entry("1", Some(&["A"]))]);
        let new = listing(vec![entry("1", None)]);
        assert!(old.diff(&new).is_empty());
    }
}
