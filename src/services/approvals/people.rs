//! The people behind approver identity ids: the identity source names an Identity Center
//! instance, DescribeInstance gives its identity store, DescribeUser the user (name, display
//! name, ENABLED/DISABLED). Answers are cached for the life of the client. When the directory
//! cannot be read (access denied, network), the id is marked unverified and the reason kept
//! once — never an error for the whole screen.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::IdentitySource;
use crate::model::team::{Person, UserStatus};
use crate::services::limiter::Limiter;
use crate::services::{ErrorKind, ServiceError, Services};

#[derive(Default)]
struct Cache {
    /// Identity store id per instance ARN (or why it could not be read).
    stores: HashMap<String, Result<String, ServiceError>>,
    /// People per (identity store, user id).
    people: HashMap<(String, String), Person>,
    /// The first reason the directory could not be read.
    problem: Option<ServiceError>,
}

/// Cached directory lookups under the Identity Center limiter.
pub(super) struct People {
    svc: Services,
    limiter: Arc<Limiter>,
    cache: Mutex<Cache>,
}

impl People {
    pub(super) fn new(svc: Services, limiter: Arc<Limiter>) -> People {
        People {
            svc,
            limiter,
            cache: Mutex::new(Cache::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn note(&self, e: &ServiceError) {
        let mut c = self.lock();
        if c.problem.is_none() {
            c.problem = Some(e.clone());
        }
    }

    /// Why names could not be read, if they could not.
    pub(super) fn problem(&self) -> Option<ServiceError> {
        self.lock().problem.clone()
    }

    /// Record a failure that happened before any lookup (listing the identity sources).
    pub(super) fn fail(&self, e: &ServiceError) {
        self.note(e);
    }

    fn region(&self, source: &IdentitySource) -> String {
        source
            .region
            .clone()
            .unwrap_or_else(|| self.svc.endpoint.sso_region.clone())
    }

    async fn store_id(&self, source: &IdentitySource) -> Result<String, ServiceError> {
        let Some(instance) = source.instance_arn.clone() else {
            return Err(ServiceError::new(
                "ListIdentitySources",
                ErrorKind::Other,
                format!(
                    "identity source {} is not an Identity Center instance ({})",
                    source.arn, source.kind
                ),
            ));
        };
        if let Some(r) = self.lock().stores.get(&instance) {
            return r.clone();
        }
        let admin =
            aws_sdk_ssoadmin::Client::new(&self.svc.sdk_config(&self.region(source), false));
        let result = self
            .limiter
            .call(|| async {
                admin
                    .describe_instance()
                    .instance_arn(&instance)
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("DescribeInstance", e))
            })
            .await
            .and_then(|out| {
                out.identity_store_id().map(str::to_string).ok_or_else(|| {
                    ServiceError::new(
                        "DescribeInstance",
                        ErrorKind::Other,
                        "the instance has no identity store id",
                    )
                })
            });
        if let Err(e) = &result {
            self.note(e);
        }
        self.lock().stores.insert(instance, result.clone());
        result
    }

    /// Who `identity_id` is in `source` (`None` = the source is not known).
    pub(super) async fn person(
        &self,
        source: Option<&IdentitySource>,
        identity_id: &str,
    ) -> Person {
        let Some(source) = source else {
            return Person::Unverified;
        };
        if identity_id.is_empty() {
            return Person::Unverified;
        }
        let store = match self.store_id(source).await {
            Ok(s) => s,
            Err(_) => return Person::Unverified,
        };
        let key = (store.clone(), identity_id.to_string());
        if let Some(p) = self.lock().people.get(&key) {
            return p.clone();
        }
        let client =
            aws_sdk_identitystore::Client::new(&self.svc.sdk_config(&self.region(source), false));
        let result = self
            .limiter
            .call(|| async {
                client
                    .describe_user()
                    .identity_store_id(&store)
                    .user_id(identity_id)
                    .send()
                    .await
                    .map_err(|e| ServiceError::from_sdk("DescribeUser", e))
            })
            .await;
        let person = match result {
            Ok(u) => Person::Known {
                user_name: u.user_name().unwrap_or(identity_id).to_string(),
                display_name: u.display_name().map(str::to_string),
                status: u.user_status().map(|s| UserStatus::from_wire(s.as_str())),
            },
            Err(e) if e.kind == ErrorKind::NotFound => Person::Missing,
            Err(e) => {
                self.note(&e);
                Person::Unverified
            }
        };
        self.lock().people.insert(key, person.clone());
        person
    }
}
