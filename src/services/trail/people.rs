//! The person behind (identityStoreArn, userId): Identity Store DescribeUser, cached for the
//! life of the client, paced by the Identity Center limiter. Besides the names, the emails and
//! external ids come back, for correlating with Okta, Entra ID or Active Directory. When the
//! directory cannot be read (access denied, another account's store), the id stays
//! [`Resolution::Unverified`] with the reason — the screen then shows the name the event
//! carries, marked unverified — and a denied store is not asked again.
//!
//! Failed sign-in steps carry only the user name that was typed (AWS masks names that match
//! nobody). Where one identity store is in view, that name is looked up with GetUserId, so a
//! failed attempt on a real account is shown as that person; a name the directory does not
//! know stays as typed, unverified.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use crate::model::trail_event::{EventGroup, Person, TrailEvent};
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

/// Whether the event's user name is one typed at Identity Center's sign-in page (not an IAM
/// user's or a role's name, which mean someone else in the directory).
fn typed_identity_center_name(e: &TrailEvent) -> bool {
    e.user_id.is_none()
        && e.group == EventGroup::Signin
        && matches!(
            e.identity_type.as_deref(),
            None | Some("Unknown" | "IdentityCenterUser")
        )
}

#[derive(Default)]
struct Cache {
    people: HashMap<(String, String), Resolution>,
    /// Stores the caller may not read, with why.
    refused: HashMap<String, ServiceError>,
    /// Typed user names looked up: (store ARN, lower-case name) → the user id, if any.
    names: HashMap<(String, String), Option<String>>,
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
            self.resolve_id(key, &mut fresh).await;
        }
        // Typed names (failed sign-in steps), when one identity store is in view.
        let typed: HashSet<String> = events
            .iter()
            .filter(|e| typed_identity_center_name(e))
            .filter_map(|e| e.clear_user_name().map(str::to_lowercase))
            .collect();
        let store = self.only_store();
        if let Some(store) = &store {
            for name in &typed {
                if let Some(id) = self.user_id_for(store, name).await {
                    self.resolve_id((store.clone(), id), &mut fresh).await;
                }
            }
        }
        let cache = self.lock();
        let verified =
            |arn: &str, id: &str| match cache.people.get(&(arn.to_string(), id.to_string())) {
                Some(Resolution::Verified(p)) => Some(Person {
                    user_name: p.user_name.clone(),
                    display_name: p.display_name.clone(),
                }),
                _ => None,
            };
        for e in events.iter_mut() {
            e.person = match (&e.identity_store_arn, &e.user_id) {
                (Some(arn), Some(id)) => verified(arn, id),
                (_, None) if typed_identity_center_name(e) => store.as_ref().and_then(|arn| {
                    let name = e.clear_user_name()?.to_lowercase();
                    let id = cache.names.get(&(arn.clone(), name))?.as_ref()?;
                    verified(arn, id)
                }),
                _ => None,
            }
            .or(e.person.take());
        }
        fresh
    }

    /// Look up one (store, user id) unless it is known; first answers go to `fresh`.
    async fn resolve_id(&self, key: (String, String), fresh: &mut Vec<(String, Resolution)>) {
        if self.lock().people.contains_key(&key) {
            return;
        }
        let r = self.look_up(&key.0, &key.1).await;
        self.lock().people.insert(key.clone(), r.clone());
        fresh.push((key.1, r));
    }

    /// The one identity store the events seen so far belong to (none, or several: `None`).
    fn only_store(&self) -> Option<String> {
        let cache = self.lock();
        let stores: HashSet<&String> = cache.people.keys().map(|(arn, _)| arn).collect();
        match stores.into_iter().collect::<Vec<_>>().as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    }

    /// The user id of a typed user name in `store_arn` (cached; `None` when the directory has
    /// no such user or cannot be read).
    async fn user_id_for(&self, store_arn: &str, name: &str) -> Option<String> {
        let key = (store_arn.to_string(), name.to_string());
        if let Some(known) = self.lock().names.get(&key) {
            return known.clone();
        }
        let store = store_id(store_arn)?;
        if self.lock().refused.contains_key(store) {
            return None;
        }
        let client = self.svc.identity_store(false);
        let identifier = aws_sdk_identitystore::types::AlternateIdentifier::UniqueAttribute(
            aws_sdk_identitystore::types::UniqueAttribute::builder()
                .attribute_path("UserName")
                .attribute_value(aws_smithy_types::Document::String(name.to_string()))
                .build()
                .ok()?,
        );
        let result = self
            .limiter
            .call(|| async {
                client
                    .get_user_id()
                    .identity_store_id(store)
                    .alternate_identifier(identifier.clone())
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("GetUserId", e))
            })
            .await;
        let id = match result {
            Ok(out) => Some(out.user_id().to_string()),
            Err(e) => {
                if matches!(
                    e.kind,
                    ErrorKind::AccessDenied | ErrorKind::CredentialsInvalid
                ) {
                    self.lock().refused.insert(store.to_string(), e);
                }
                None
            }
        };
        self.lock().names.insert(key, id.clone());
        id
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
    fn only_names_typed_at_identity_centers_sign_in_are_looked_up() {
        let parse = |json: serde_json::Value| {
            crate::model::trail_event::parse_record(&json).expect("a record")
        };
        let base = |source: &str, name: &str, identity: serde_json::Value| {
            serde_json::json!({
                "eventVersion": "1.08", "eventID": "e1", "eventTime": "2025-01-01T00:00:00Z",
                "eventSource": source, "eventName": name, "userIdentity": identity,
            })
        };
        let failed = parse(base(
            "signin.amazonaws.com",
            "CredentialVerification",
            serde_json::json!({"type": "Unknown", "userName": "user1"}),
        ));
        assert!(typed_identity_center_name(&failed));
        let iam_console = parse(base(
            "signin.amazonaws.com",
            "ConsoleLogin",
            serde_json::json!({"type": "IAMUser", "userName": "bob"}),
        ));
        assert!(
            !typed_identity_center_name(&iam_console),
            "an IAM user is not a directory user"
        );
        let admin_call = parse(base(
            "sso.amazonaws.com",
            "CreateAccountAssignment",
            serde_json::json!({"type": "Unknown", "userName": "user1"}),
        ));
        assert!(!typed_identity_center_name(&admin_call));
    }

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
