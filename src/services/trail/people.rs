//! The person behind (identityStoreArn, userId): Identity Store DescribeUser, cached for the
//! life of the client, paced by the Identity Center limiter. Besides the names, the emails and
//! external ids come back, for correlating with Okta, Entra ID or Active Directory. When the
//! directory cannot be read (access denied, another account's store), the id stays
//! [`Resolution::Unverified`] with the reason — the screen then shows the name the event
//! carries, marked unverified — and a denied store is not asked again.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::model::trail_event::{Person, TrailEvent};
use crate::services::limiter::Limiter;
use crate::services::{ErrorKind, ServiceError, Services};

/// What the directory says about a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonDetails {
    /// The user name.
    pub user_name: String,
    /// The display name.
    pub display_name: Option<String>,
    /// Email addresses.
    pub emails: Vec<String>,
    /// External ids as (issuer, id).
    pub external_ids: Vec<(String, String)>,
}

/// The outcome of looking a user id up.
#[derive(Debug, Clone)]
pub enum Resolution {
    /// The directory knows them.
    Verified(PersonDetails),
    /// The directory has no such user (deleted since).
    NotFound,
    /// The directory could not be read; the name in the event is all there is.
    Unverified(ServiceError),
}

/// The identity store id in an identity store ARN (`arn:aws:identitystore::1:identitystore/d-1`).
pub fn store_id(identity_store_arn: &str) -> Option<&str> {
    identity_store_arn
        .rsplit_once("identitystore/")
        .map(|(_, id)| id)
        .filter(|id| !id.is_empty())
}

#[derive(Default)]
struct Cache {
    people: HashMap<(String, String), Resolution>,
    /// Stores the caller may not read, with why.
    refused: HashMap<String, ServiceError>,
}

/// Cached directory lookups.
pub struct People {
    svc: Services,
    limiter: Arc<Limiter>,
    cache: Mutex<Cache>,
}

impl People {
    /// Lookups with `svc`'s credentials under `limiter`.
    pub fn new(svc: Services, limiter: Arc<Limiter>) -> People {
        People {
            svc,
            limiter,
            cache: Mutex::new(Cache::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What is known about a user id.
    pub fn get(&self, identity_store_arn: &str, user_id: &str) -> Option<Resolution> {
        self.lock()
            .people
            .get(&(identity_store_arn.to_string(), user_id.to_string()))
            .cloned()
    }

    /// Fill `person` in each event whose user the directory knows, looking up users not seen
    /// before; returns those first-time answers as (user id, resolution).
    pub async fn resolve(&self, events: &mut [TrailEvent]) -> Vec<(String, Resolution)> {
        let wanted: HashSet<(String, String)> = events
            .iter()
            .filter_map(|e| Some((e.identity_store_arn.clone()?, e.user_id.clone()?)))
            .collect();
        let mut fresh = Vec::new();
        for key in wanted {
            if self.lock().people.contains_key(&key) {
                continue;
            }
            let r = self.look_up(&key.0, &key.1).await;
            self.lock().people.insert(key.clone(), r.clone());
            fresh.push((key.1, r));
        }
        let cache = self.lock();
        for e in events.iter_mut() {
            let (Some(arn), Some(id)) = (&e.identity_store_arn, &e.user_id) else {
                continue;
            };
            if let Some(Resolution::Verified(p)) = cache.people.get(&(arn.clone(), id.clone())) {
                e.person = Some(Person {
                    user_name: p.user_name.clone(),
                    display_name: p.display_name.clone(),
                });
            }
        }
        fresh
    }

    async fn look_up(&self, arn: &str, user_id: &str) -> Resolution {
        let Some(store) = store_id(arn) else {
            return Resolution::Unverified(ServiceError::new(
                "DescribeUser",
                ErrorKind::Invalid,
                "the event names no identity store",
            ));
        };
        if let Some(e) = self.lock().refused.get(store) {
            return Resolution::Unverified(e.clone());
        }
        let client = self.svc.identity_store(false);
        let result = self
            .limiter
            .call(|| async {
                client
                    .describe_user()
                    .identity_store_id(store)
                    .user_id(user_id)
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("DescribeUser", e))
            })
            .await;
        match result {
            Ok(u) => Resolution::Verified(PersonDetails {
                user_name: u.user_name().unwrap_or(user_id).to_string(),
                display_name: u.display_name().map(str::to_string),
                emails: u
                    .emails()
                    .iter()
                    .filter_map(|e| e.value().map(str::to_string))
                    .collect(),
                external_ids: u
                    .external_ids()
                    .iter()
                    .map(|x| (x.issuer().to_string(), x.id().to_string()))
                    .collect(),
            }),
            Err(e) if e.kind == ErrorKind::NotFound => Resolution::NotFound,
            Err(e) => {
                if matches!(
                    e.kind,
                    ErrorKind::AccessDenied | ErrorKind::CredentialsInvalid
                ) {
                    self.lock().refused.insert(store.to_string(), e.clone());
                }
                Resolution::Unverified(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_ids_come_from_the_arn() {
        assert_eq!(
            store_id("arn:aws:identitystore::111122223333:identitystore/d-1234567890"),
            Some("d-1234567890")
        );
        assert_eq!(store_id("arn:aws:identitystore::1:identitystore/"), None);
        assert_eq!(store_id("nonsense"), None);
    }
}
