//! Identity Center instances visible to the credentials, and choosing one when there are
//! several.

use super::{Admin, sdk};
use crate::model::inventory::InstanceInfo;
use crate::services::{ErrorKind, ServiceError};

/// Every instance in the region.
pub async fn list_instances(admin: &Admin) -> Result<Vec<InstanceInfo>, ServiceError> {
    let sso = &admin.sso;
    let mut out = admin
        .collect(|next| async move {
            let page = sso
                .list_instances()
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListInstances"))?;
            let items = page
                .instances()
                .iter()
                .filter_map(|i| {
                    Some(InstanceInfo {
                        arn: i.instance_arn()?.to_string(),
                        identity_store_id: i.identity_store_id().unwrap_or_default().to_string(),
                        name: i.name().map(str::to_string),
                        owner_account_id: i.owner_account_id().map(str::to_string),
                        status: i.status().map(|s| s.as_str().to_string()),
                    })
                })
                .collect();
            Ok((items, page.next_token().map(str::to_string)))
        })
        .await?;
    out.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(out)
}

/// The instance to work on: the one named by `wanted` (ARN, or its `ssoins-…` id, or its
/// name), or the only one. Several without a choice is an error naming them.
pub fn choose(
    instances: &[InstanceInfo],
    wanted: Option<&str>,
) -> Result<InstanceInfo, ServiceError> {
    if let Some(w) = wanted {
        return instances
            .iter()
            .find(|i| {
                i.arn == w || i.arn.rsplit('/').next() == Some(w) || i.name.as_deref() == Some(w)
            })
            .cloned()
            .ok_or_else(|| {
                ServiceError::new(
                    "ListInstances",
                    ErrorKind::NotFound,
                    format!("no Identity Center instance {w} in this region"),
                )
            });
    }
    match instances {
        [] => Err(ServiceError::new(
            "ListInstances",
            ErrorKind::NotFound,
            "no Identity Center instance in this region (check --sso-region)",
        )),
        [one] => Ok(one.clone()),
        many => Err(ServiceError::new(
            "ListInstances",
            ErrorKind::Invalid,
            format!(
                "several Identity Center instances; choose one with --instance ({})",
                many.iter()
                    .map(|i| i.arn.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(arn: &str, name: &str) -> InstanceInfo {
        InstanceInfo {
            arn: arn.into(),
            name: Some(name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn one_instance_is_chosen_several_need_a_choice() {
        let a = inst("arn:aws:sso:::instance/ssoins-aaaaaaaaaaaaaaaa", "Acme");
        let b = inst("arn:aws:sso:::instance/ssoins-bbbbbbbbbbbbbbbb", "Lab");
        assert_eq!(choose(std::slice::from_ref(&a), None).unwrap(), a);
        let e = choose(&[a.clone(), b.clone()], None).unwrap_err();
        assert!(e.message.contains("--instance"), "{}", e.message);
        assert_eq!(choose(&[a.clone(), b.clone()], Some("Lab")).unwrap(), b);
        assert_eq!(
            choose(&[a.clone(), b.clone()], Some("ssoins-aaaaaaaaaaaaaaaa")).unwrap(),
            a
        );
        assert!(choose(&[], None).is_err());
        assert!(choose(&[a], Some("nope")).is_err());
    }
}
