//! Applying a restore plan: one CreateAccountAssignment per planned grant, each followed to
//! its end with DescribeAccountAssignmentCreationStatus under exponential back-off (the
//! writes are asynchronous), at most [`WRITES_IN_FLIGHT`] at once because the service caps
//! outstanding assignment operations; then one CreateApplicationAssignment per planned
//! application grant (synchronous). Failures are collected, never stop the rest.

use std::time::Duration;

use aws_sdk_ssoadmin::types::{PrincipalType, StatusValues, TargetType};

use super::{Admin, sdk};
use crate::model::snapshot::plan::{PlannedAppCreate, PlannedCreate};
use crate::services::ServiceError;

/// Assignment writes outstanding at once (the service allows 10–15).
pub const WRITES_IN_FLIGHT: usize = 10;

/// Status checks per request before giving up on it.
pub const STATUS_CHECKS: u32 = 10;

/// The first wait before checking a request's status; doubled after each check.
pub const FIRST_WAIT: Duration = Duration::from_millis(200);

/// The longest wait between two checks.
pub const MAX_WAIT: Duration = Duration::from_secs(8);

/// The back-off before status check number `n` (0-based).
pub fn backoff(n: u32) -> Duration {
    FIRST_WAIT.saturating_mul(1 << n.min(16)).min(MAX_WAIT)
}

/// What happened to each planned call (account assignments by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome<P = PlannedCreate> {
    /// Created.
    pub created: Vec<P>,
    /// Not created, with the reason.
    pub failed: Vec<(P, String)>,
}

/// What happened to each planned application assignment.
pub type AppOutcome = Outcome<PlannedAppCreate>;

impl<P> Default for Outcome<P> {
    fn default() -> Self {
        Outcome {
            created: Vec::new(),
            failed: Vec::new(),
        }
    }
}

impl<P: Ord> Outcome<P> {
    /// Sort each call's result into created or failed.
    fn from_results(results: Vec<(P, Result<(), String>)>) -> Outcome<P> {
        let mut out = Outcome::default();
        for (p, r) in results {
            match r {
                Ok(()) => out.created.push(p),
                Err(reason) => out.failed.push((p, reason)),
            }
        }
        out.created.sort();
        out.failed.sort();
        out
    }
}

async fn create_one(admin: &Admin, instance: &str, p: &PlannedCreate) -> Result<(), String> {
    let started = admin
        .call(|| async {
            admin
                .sso
                .create_account_assignment()
                .instance_arn(instance)
                .target_id(&p.account_id)
                .target_type(TargetType::AwsAccount)
                .permission_set_arn(&p.permission_set_arn)
                .principal_type(PrincipalType::from(p.principal_kind.as_str()))
                .principal_id(&p.principal_id)
                .send()
                .await
                .map_err(sdk("CreateAccountAssignment"))
        })
        .await
        .map_err(|e| format!("{}: {}", e.operation, e.message))?;
    let Some(status) = started.account_assignment_creation_status() else {
        return Err("CreateAccountAssignment: the answer had no status".into());
    };
    let mut state = status.status().cloned();
    let mut reason = status.failure_reason().map(str::to_string);
    let Some(request) = status.request_id().map(str::to_string) else {
        return Err("CreateAccountAssignment: the answer had no request id".into());
    };
    for n in 0..STATUS_CHECKS {
        match state {
            Some(StatusValues::Succeeded) => return Ok(()),
            Some(StatusValues::Failed) => {
                return Err(reason.unwrap_or_else(|| "the service reported FAILED".into()));
            }
            _ => {}
        }
        tokio::select! {
            _ = admin.cancel.cancelled() => return Err(super::CANCELLED.into()),
            _ = tokio::time::sleep(backoff(n)) => {}
        }
        let s = admin
            .call(|| async {
                admin
                    .sso
                    .describe_account_assignment_creation_status()
                    .instance_arn(instance)
                    .account_assignment_creation_request_id(&request)
                    .send()
                    .await
                    .map_err(sdk("DescribeAccountAssignmentCreationStatus"))
            })
            .await
            .map_err(|e| format!("{}: {}", e.operation, e.message))?;
        let st = s.account_assignment_creation_status();
        state = st.and_then(|x| x.status()).cloned();
        reason = st.and_then(|x| x.failure_reason()).map(str::to_string);
    }
    Err(format!(
        "still in progress after {STATUS_CHECKS} status checks (request {request})"
    ))
}

/// Make every planned call; report progress as `restore`.
pub async fn apply(
    admin: &Admin,
    instance: &str,
    plan: &[PlannedCreate],
) -> Result<Outcome, ServiceError> {
    let writer = admin
        .clone()
        .with_concurrency(admin.concurrency.min(WRITES_IN_FLIGHT));
    let results = writer
        .each("restore", plan.to_vec(), |p| {
            let writer = &writer;
            async move {
                let r = create_one(writer, instance, &p).await;
                if writer.cancel.is_cancelled() {
                    return Err(super::cancelled());
                }
                Ok((p, r))
            }
        })
        .await?;
    Ok(Outcome::from_results(results))
}

/// Make the planned CreateApplicationAssignment calls.
pub async fn apply_apps(
    admin: &Admin,
    plan: &[PlannedAppCreate],
) -> Result<AppOutcome, ServiceError> {
    let results = admin
        .each("restore applications", plan.to_vec(), |p| async move {
            let r = admin
                .call(|| async {
                    admin
                        .sso
                        .create_application_assignment()
                        .application_arn(&p.application_arn)
                        .principal_type(PrincipalType::from(p.principal_kind.as_str()))
                        .principal_id(&p.principal_id)
                        .send()
                        .await
                        .map_err(sdk("CreateApplicationAssignment"))
                })
                .await
                .map(|_| ())
                .map_err(|e| format!("{}: {}", e.operation, e.message));
            if admin.cancel.is_cancelled() {
                return Err(super::cancelled());
            }
            Ok((p, r))
        })
        .await?;
    Ok(Outcome::from_results(results))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_checks_back_off_exponentially_up_to_a_cap() {
        assert_eq!(backoff(0), Duration::from_millis(200));
        assert_eq!(backoff(1), Duration::from_millis(400));
        assert_eq!(backoff(3), Duration::from_millis(1600));
        assert_eq!(backoff(9), MAX_WAIT);
        assert_eq!(backoff(40), MAX_WAIT);
    }
}
