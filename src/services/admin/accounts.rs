//! Accounts from Organizations, each with its OU path: ListAccounts (pages of 20) for names,
//! then a walk down the OU tree one level at a time (ListOrganizationalUnitsForParent for the
//! OU names, ListChildren for the accounts under each), so the paths do not depend on any
//! optional field of the account record.

use std::collections::BTreeMap;

use aws_sdk_organizations::types::ChildType;

use super::{Admin, sdk};
use crate::model::inventory::AccountInfo;
use crate::services::ServiceError;

fn info(a: &aws_sdk_organizations::types::Account) -> Option<AccountInfo> {
    Some(AccountInfo {
        id: a.id()?.to_string(),
        name: a.name().map(str::to_string),
        email: a.email().map(str::to_string),
        status: a.state().map(|s| s.as_str().to_string()).or_else(|| {
            #[allow(deprecated)]
            a.status().map(|s| s.as_str().to_string())
        }),
        ou_path: Vec::new(),
    })
}

/// Every account in the organisation, without OU paths.
pub async fn list_accounts(admin: &Admin) -> Result<BTreeMap<String, AccountInfo>, ServiceError> {
    let orgs = &admin.orgs;
    let all = admin
        .collect(|next| async move {
            let page = orgs
                .list_accounts()
                .max_results(20)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListAccounts"))?;
            let items: Vec<AccountInfo> = page.accounts().iter().filter_map(info).collect();
            Ok((items, page.next_token().map(str::to_string)))
        })
        .await?;
    Ok(all.into_iter().map(|a| (a.id.clone(), a)).collect())
}

/// The OU path (names from the root down) of every account, by account id.
pub async fn ou_paths(admin: &Admin) -> Result<BTreeMap<String, Vec<String>>, ServiceError> {
    let orgs = &admin.orgs;
    let roots: Vec<String> = admin
        .collect(|next| async move {
            let page = orgs
                .list_roots()
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListRoots"))?;
            let ids = page
                .roots()
                .iter()
                .filter_map(|r| r.id().map(str::to_string))
                .collect();
            Ok((ids, page.next_token().map(str::to_string)))
        })
        .await?;
    let mut paths = BTreeMap::new();
    let mut level: Vec<(String, Vec<String>)> =
        roots.into_iter().map(|r| (r, Vec::new())).collect();
    while !level.is_empty() {
        let found = admin
            .each("OU paths", level, |(parent, path)| async move {
                let p = parent.as_str();
                let ous: Vec<(String, String)> = admin
                    .collect(|next| async move {
                        let page = orgs
                            .list_organizational_units_for_parent()
                            .parent_id(p)
                            .max_results(20)
                            .set_next_token(next)
                            .send()
                            .await
                            .map_err(sdk("ListOrganizationalUnitsForParent"))?;
                        let items = page
                            .organizational_units()
                            .iter()
                            .filter_map(|o| {
                                Some((
                                    o.id()?.to_string(),
                                    o.name().unwrap_or_default().to_string(),
                                ))
                            })
                            .collect();
                        Ok((items, page.next_token().map(str::to_string)))
                    })
                    .await?;
                let accounts: Vec<String> = admin
                    .collect(|next| async move {
                        let page = orgs
                            .list_children()
                            .parent_id(p)
                            .child_type(ChildType::Account)
                            .max_results(20)
                            .set_next_token(next)
                            .send()
                            .await
                            .map_err(sdk("ListChildren"))?;
                        let items = page
                            .children()
                            .iter()
                            .filter_map(|c| c.id().map(str::to_string))
                            .collect();
                        Ok((items, page.next_token().map(str::to_string)))
                    })
                    .await?;
                Ok((path, ous, accounts))
            })
            .await?;
        level = Vec::new();
        for (path, ous, accounts) in found {
            for a in accounts {
                paths.insert(a, path.clone());
            }
            for (id, name) in ous {
                let mut p = path.clone();
                p.push(name);
                level.push((id, p));
            }
        }
    }
    Ok(paths)
}

/// Every account with its OU path. When the accounts list but the OU tree cannot be read,
/// the accounts are returned with the error about the paths.
pub async fn list(
    admin: &Admin,
) -> Result<(BTreeMap<String, AccountInfo>, Option<ServiceError>), ServiceError> {
    let mut accounts = list_accounts(admin).await?;
    match ou_paths(admin).await {
        Ok(paths) => {
            for (id, path) in paths {
                if let Some(a) = accounts.get_mut(&id) {
                    a.ou_path = path;
                }
            }
            Ok((accounts, None))
        }
        Err(e) => Ok((accounts, Some(e))),
    }
}

/// One account (a targeted question's name lookup).
pub async fn describe(admin: &Admin, id: &str) -> Result<AccountInfo, ServiceError> {
    let out = admin
        .call(|| async {
            admin
                .orgs
                .describe_account()
                .account_id(id)
                .send()
                .await
                .map_err(sdk("DescribeAccount"))
        })
        .await?;
    Ok(out.account().and_then(info).unwrap_or(AccountInfo {
        id: id.to_string(),
        ..Default::default()
    }))
}
