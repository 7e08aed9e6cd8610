//! Deterministic organisations of any size (`--generate accounts=N,users=N,…`), for benchmarks
//! and paging tests. The same spec always yields the same organisation, byte for byte.
//!
//! A generated organisation keeps the demo organisation's instance, organisation and
//! management-account identifiers, so the emulator treats both alike. Two people are always
//! there: `dev.user`, who reaches every account with exactly three permission sets (through
//! `All Developers`), so a portal benchmark sees accounts × 3 roles; and `jordan.lee`, who holds
//! `IdentityCenterAuditor` in the management account.

mod access;
mod catalogue;
mod directory;
mod extras;
mod ids;
mod names;
mod structure;
pub mod trail;

use std::str::FromStr;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::org::{History, Instance, Org, Organization};

/// What to generate: sizes and the random seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSpec {
    /// Accounts, including the management account (at least 1).
    pub accounts: usize,
    /// People, including `dev.user` and `jordan.lee` (at least 2).
    pub users: usize,
    /// Groups, including `All Developers` (at least 1).
    pub groups: usize,
    /// Permission sets (at least 4: the developer trio and `IdentityCenterAuditor`).
    pub permission_sets: usize,
    /// Seed of the random stream.
    pub seed: u64,
    /// Days of generated organisation trail (0: none).
    pub trail_days: u32,
    /// Records in the generated trail.
    pub trail_events: u64,
}

impl Default for GenerateSpec {
    fn default() -> Self {
        GenerateSpec {
            accounts: 200,
            users: 1_000,
            groups: 40,
            permission_sets: 16,
            seed: 1,
            trail_days: 0,
            trail_events: 0,
        }
    }
}

/// Why a `--generate` spec was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// A part without `=`.
    #[error("{0:?} is not key=value (e.g. accounts=2000,users=20000)")]
    NotKeyValue(String),
    /// A key other than the five known ones.
    #[error(
        "unknown key {0:?} (known: accounts, users, groups, permission-sets, seed, trail-days, trail-events)"
    )]
    UnknownKey(String),
    /// The same key twice.
    #[error("{0} is given more than once")]
    Repeated(&'static str),
    /// A value that is not a whole number.
    #[error("{key}={value:?} is not a whole number")]
    NotANumber {
        /// The key.
        key: &'static str,
        /// The value as given.
        value: String,
    },
    /// A size outside what the generator supports.
    #[error("{key} must be between {min} and {max}, not {value}")]
    OutOfRange {
        /// The key.
        key: &'static str,
        /// The value as given.
        value: u64,
        /// Smallest allowed.
        min: u64,
        /// Largest allowed.
        max: u64,
    },
}

/// Allowed ranges: enough people and sets for the fixed cast; upper bounds keep a typo from
/// exhausting memory (Identity Center itself allows at most 2,000 permission sets).
const LIMITS: [(&str, u64, u64); 4] = [
    ("accounts", 1, 100_000),
    ("users", 2, 1_000_000),
    ("groups", 1, 100_000),
    ("permission-sets", catalogue::MIN_SETS as u64, 2_000),
];

impl FromStr for GenerateSpec {
    type Err = SpecError;

    /// Parses `accounts=N,users=N,groups=N,permission-sets=N,seed=S`; any subset, any order;
    /// what is left out keeps its default.
    fn from_str(text: &str) -> Result<Self, SpecError> {
        let mut spec = GenerateSpec::default();
        let mut given: Vec<&'static str> = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| SpecError::NotKeyValue(part.into()))?;
            let key: &'static str = match key.trim() {
                "accounts" => "accounts",
                "users" => "users",
                "groups" => "groups",
                "permission-sets" | "permission_sets" => "permission-sets",
                "seed" => "seed",
                "trail-days" | "trail_days" => "trail-days",
                "trail-events" | "trail_events" => "trail-events",
                other => return Err(SpecError::UnknownKey(other.into())),
            };
            if given.contains(&key) {
                return Err(SpecError::Repeated(key));
            }
            given.push(key);
            let value = value.trim();
            let number: u64 = value.parse().map_err(|_| SpecError::NotANumber {
                key,
                value: value.into(),
            })?;
            match key {
                "seed" => {
                    spec.seed = number;
                    continue;
                }
                "trail-days" if number <= 3650 => {
                    spec.trail_days = number as u32;
                    continue;
                }
                "trail-events" if number <= 1_000_000_000 => {
                    spec.trail_events = number;
                    continue;
                }
                "trail-days" | "trail-events" => {
                    return Err(SpecError::OutOfRange {
                        key,
                        value: number,
                        min: 0,
                        max: if key == "trail-days" {
                            3650
                        } else {
                            1_000_000_000
                        },
                    });
                }
                _ => {}
            }
            if let Some(&(_, min, max)) = LIMITS.iter().find(|(k, _, _)| *k == key)
                && !(min..=max).contains(&number)
            {
                return Err(SpecError::OutOfRange {
                    key,
                    value: number,
                    min,
                    max,
                });
            }
            let size = number as usize;
            match key {
                "accounts" => spec.accounts = size,
                "users" => spec.users = size,
                "groups" => spec.groups = size,
                _ => spec.permission_sets = size,
            }
        }
        Ok(spec)
    }
}

/// Builds the organisation `spec` describes. Sizes below the minimums are raised to them.
pub fn generate(spec: &GenerateSpec) -> Org {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let units = structure::units_for(spec.accounts);
    let dir = directory::build(&mut rng, spec.users.max(2), spec.groups.max(1), units);
    let layout = structure::build(&mut rng, spec.accounts, units, &dir.users);
    let mut permission_sets = catalogue::build(&mut rng, spec.permission_sets, units);
    let account_assignments = access::assign(&mut rng, &layout, &dir, &mut permission_sets);
    let applications = extras::applications(&mut rng, &dir);
    let q_profiles = extras::q_profiles(&mut rng, &dir);
    let approval_teams = extras::approval_teams(&mut rng, &dir);
    Org {
        instance: Instance {
            instance_arn: "arn:aws:sso:::instance/ssoins-7223a8c1f5e4b903".into(),
            identity_store_id: "d-9067c3a2b1".into(),
            owner_account_id: structure::MANAGEMENT_ACCOUNT.into(),
            name: "Acme Corp".into(),
            region: "us-east-1".into(),
            start_url: "https://acme.awsapps.com/start".into(),
            created: "2021-06-08T16:20:11Z".into(),
        },
        organization: Organization {
            id: "o-k3x9q2w7ab".into(),
            root_id: structure::ROOT.into(),
            management_account_id: structure::MANAGEMENT_ACCOUNT.into(),
        },
        ous: layout.ous,
        accounts: layout.accounts,
        users: dir.users,
        groups: dir.groups,
        permission_sets,
        account_assignments,
        applications,
        trusted_token_issuers: Vec::new(),
        q_profiles,
        approval_teams,
        history: History {
            days: 0,
            sign_ins_per_day: 0,
            seed: spec.seed,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_spec_parses_in_any_order() {
        let spec: GenerateSpec = "seed=9,users=20000,accounts=2000,permission-sets=40,groups=300"
            .parse()
            .unwrap();
        assert_eq!(
            spec,
            GenerateSpec {
                accounts: 2000,
                users: 20_000,
                groups: 300,
                permission_sets: 40,
                seed: 9,
                ..GenerateSpec::default()
            }
        );
    }

    #[test]
    fn missing_keys_keep_their_defaults() {
        let spec: GenerateSpec = "accounts=50".parse().unwrap();
        assert_eq!(
            spec,
            GenerateSpec {
                accounts: 50,
                ..GenerateSpec::default()
            }
        );
        assert_eq!("".parse::<GenerateSpec>().unwrap(), GenerateSpec::default());
    }

    #[test]
    fn spaces_trailing_commas_and_underscore_key_are_accepted() {
        let spec: GenerateSpec = " accounts = 7 , permission_sets=5,".parse().unwrap();
        assert_eq!((spec.accounts, spec.permission_sets), (7, 5));
    }

    #[test]
    fn unknown_key_is_named() {
        let err = "accounts=5,user=3".parse::<GenerateSpec>().unwrap_err();
        assert_eq!(err, SpecError::UnknownKey("user".into()));
        assert!(err.to_string().contains("permission-sets"), "{err}");
    }

    #[test]
    fn bad_values_are_rejected_with_the_key() {
        assert_eq!(
            "users=lots".parse::<GenerateSpec>().unwrap_err(),
            SpecError::NotANumber {
                key: "users",
                value: "lots".into()
            }
        );
        assert_eq!(
            "seed=-1".parse::<GenerateSpec>().unwrap_err(),
            SpecError::NotANumber {
                key: "seed",
                value: "-1".into()
            }
        );
        assert_eq!(
            "groups".parse::<GenerateSpec>().unwrap_err(),
            SpecError::NotKeyValue("groups".into())
        );
        assert_eq!(
            "seed=1,seed=2".parse::<GenerateSpec>().unwrap_err(),
            SpecError::Repeated("seed")
        );
    }

    #[test]
    fn sizes_outside_the_limits_are_rejected() {
        assert_eq!(
            "users=1".parse::<GenerateSpec>().unwrap_err(),
            SpecError::OutOfRange {
                key: "users",
                value: 1,
                min: 2,
                max: 1_000_000
            }
        );
        assert!(matches!(
            "permission-sets=3".parse::<GenerateSpec>(),
            Err(SpecError::OutOfRange {
                key: "permission-sets",
                ..
            })
        ));
        assert!(matches!(
            "accounts=0".parse::<GenerateSpec>(),
            Err(SpecError::OutOfRange { .. })
        ));
        assert!(matches!(
            "accounts=100001".parse::<GenerateSpec>(),
            Err(SpecError::OutOfRange { .. })
        ));
    }

    #[test]
    fn control_characters_in_errors_are_escaped() {
        let err = "ac\u{1b}[2Jcounts=5".parse::<GenerateSpec>().unwrap_err();
        assert!(!err.to_string().contains('\u{1b}'), "{err}");
    }

    #[test]
    fn sizes_below_the_minimum_are_raised_not_panicked_on() {
        let org = generate(&GenerateSpec {
            accounts: 0,
            users: 0,
            groups: 0,
            permission_sets: 0,
            seed: 3,
            ..GenerateSpec::default()
        });
        assert_eq!(
            (org.accounts.len(), org.users.len(), org.groups.len()),
            (1, 2, 1)
        );
        assert_eq!(org.permission_sets.len(), catalogue::MIN_SETS);
        org.validate().unwrap();
    }
}
