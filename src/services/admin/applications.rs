//! Applications and who is assigned to them: ListApplications, then ListApplicationAssignments
//! per application; for one principal, ListApplicationAssignmentsForPrincipal.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ssoadmin::types::PrincipalType;

use super::{Admin, sdk};
use crate::model::inventory::{AppGrant, AppInfo, PrincipalKind};
use crate::services::ServiceError;

fn info(a: &aws_sdk_ssoadmin::types::Application) -> Option<AppInfo> {
    Some(AppInfo {
        arn: a.application_arn()?.to_string(),
        name: a
            .name()
            .or(a.application_arn())
            .unwrap_or_default()
            .to_string(),
        provider: a.application_provider_arn().map(str::to_string),
        status: a.status().map(|s| s.as_str().to_string()),
        description: a.description().map(str::to_string),
    })
}

/// Every application of the instance, by ARN.
pub async fn list(
    admin: &Admin,
    instance: &str,
) -> Result<BTreeMap<String, AppInfo>, ServiceError> {
    let sso = &admin.sso;
    let all = admin
        .collect(|next| async move {
            let page = sso
                .list_applications()
                .instance_arn(instance)
                .max_results(50)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListApplications"))?;
            let items: Vec<AppInfo> = page.applications().iter().filter_map(info).collect();
            Ok((items, page.next_token().map(str::to_string)))
        })
        .await?;
    Ok(all.into_iter().map(|a| (a.arn.clone(), a)).collect())
}

/// One application.
pub async fn describe(admin: &Admin, arn: &str) -> Result<AppInfo, ServiceError> {
    let o = admin
        .call(|| async {
            admin
                .sso
                .describe_application()
                .application_arn(arn)
                .send()
                .await
                .map_err(sdk("DescribeApplication"))
        })
        .await?;
    Ok(AppInfo {
        arn: arn.to_string(),
        name: o.name().unwrap_or(arn).to_string(),
        provider: o.application_provider_arn().map(str::to_string),
        status: o.status().map(|s| s.as_str().to_string()),
        description: o.description().map(str::to_string),
    })
}

/// Who is assigned to one application.
pub async fn assignments_of(admin: &Admin, arn: &str) -> Result<Vec<AppGrant>, ServiceError> {
    let sso = &admin.sso;
    admin
        .collect(|next| async move {
            let page = sso
                .list_application_assignments()
                .application_arn(arn)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListApplicationAssignments"))?;
            let items = page
                .application_assignments()
                .iter()
                .filter_map(|a| {
                    Some(AppGrant {
                        application_arn: arn.to_string(),
                        principal_kind: PrincipalKind::parse(a.principal_type().as_str())?,
                        principal_id: a.principal_id().to_string(),
                    })
                })
                .collect();
            Ok((items, page.next_token().map(str::to_string)))
        })
        .await
}

/// Assignments of every application in `arns`.
pub async fn assignments(
    admin: &Admin,
    arns: Vec<String>,
) -> Result<BTreeSet<AppGrant>, ServiceError> {
    let found = admin
        .each("application assignments", arns, |arn| async move {
            assignments_of(admin, &arn).await
        })
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// A principal's own application assignments.
pub async fn of_principal(
    admin: &Admin,
    instance: &str,
    kind: PrincipalKind,
    id: &str,
) -> Result<Vec<AppGrant>, ServiceError> {
    let sso = &admin.sso;
    admin
        .collect(|next| async move {
            let page = sso
                .list_application_assignments_for_principal()
                .instance_arn(instance)
                .principal_type(PrincipalType::from(kind.as_str()))
                .principal_id(id)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListApplicationAssignmentsForPrincipal"))?;
            let items = page
                .application_assignments()
                .iter()
                .filter_map(|a| {
                    Some(AppGrant {
                        application_arn: a.application_arn()?.to_string(),
                        principal_kind: kind,
                        principal_id: id.to_string(),
                    })
                })
                .collect();
            Ok((items, page.next_token().map(str::to_string)))
        })
        .await
}
