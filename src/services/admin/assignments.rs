//! Account assignments with the fewest calls. Only (account, permission set) pairs where the
//! set is provisioned can hold assignments, so the walk first prunes the pairs — by asking
//! each account which sets are provisioned to it, or each set which accounts it is
//! provisioned to, whichever costs fewer calls for the organisation's shape — and then lists
//! the assignments of each provisioned pair. The naive strategy (every pair) is kept for
//! comparison in the benchmark.

use std::collections::BTreeSet;

use super::{Admin, sdk};
use crate::model::inventory::{AccountGrant, PrincipalKind};
use crate::services::ServiceError;

/// How to find the pairs that may hold assignments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairStrategy {
    /// Choose by the organisation's shape.
    Auto,
    /// ListPermissionSetsProvisionedToAccount per account.
    ByAccount,
    /// ListAccountsForProvisionedPermissionSet per permission set.
    ByPermissionSet,
    /// Every (account, permission set) pair, no pruning (the naive baseline).
    EveryPair,
    /// ListAccountAssignmentsForPrincipal for every user and group in the directory (sees
    /// only assignments of principals the directory lists).
    ByPrincipal,
}

impl PairStrategy {
    /// How the strategy is named in stats.
    pub fn label(self) -> &'static str {
        match self {
            PairStrategy::Auto => "auto",
            PairStrategy::ByAccount => "pruned by account",
            PairStrategy::ByPermissionSet => "pruned by permission set",
            PairStrategy::EveryPair => "every pair",
            PairStrategy::ByPrincipal => "by principal",
        }
    }
}

/// Pick the cheaper pruning for `accounts` accounts (`None`: the account list is unknown) and
/// `sets` permission sets. Each side costs at least one call per item and one more per
/// hundred results; the worst case decides.
pub fn choose(accounts: Option<usize>, sets: usize) -> PairStrategy {
    let Some(accounts) = accounts else {
        return PairStrategy::ByPermissionSet;
    };
    let by_account = accounts * sets.div_ceil(100).max(1);
    let by_set = sets * accounts.div_ceil(100).max(1);
    if by_account < by_set {
        PairStrategy::ByAccount
    } else {
        PairStrategy::ByPermissionSet
    }
}

/// Permission sets provisioned to one account.
pub async fn provisioned_to_account(
    admin: &Admin,
    instance: &str,
    account: &str,
) -> Result<Vec<String>, ServiceError> {
    let sso = &admin.sso;
    admin
        .collect(|next| async move {
            let page = sso
                .list_permission_sets_provisioned_to_account()
                .instance_arn(instance)
                .account_id(account)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListPermissionSetsProvisionedToAccount"))?;
            Ok((
                page.permission_sets().to_vec(),
                page.next_token().map(str::to_string),
            ))
        })
        .await
}

/// The pairs to list, by `strategy` (which must not be `Auto`). `accounts` is needed by
/// `ByAccount` and `EveryPair`.
pub async fn pairs(
    admin: &Admin,
    instance: &str,
    strategy: PairStrategy,
    accounts: &[String],
    sets: &[String],
) -> Result<Vec<(String, String)>, ServiceError> {
    let mut out: BTreeSet<(String, String)> = BTreeSet::new();
    match strategy {
        PairStrategy::EveryPair => {
            for a in accounts {
                for s in sets {
                    out.insert((a.clone(), s.clone()));
                }
            }
        }
        PairStrategy::ByAccount | PairStrategy::Auto | PairStrategy::ByPrincipal => {
            let found = admin
                .each(
                    "provisioning by account",
                    accounts.to_vec(),
                    |a| async move {
                        let sets = provisioned_to_account(admin, instance, &a).await?;
                        Ok((a, sets))
                    },
                )
                .await?;
            for (a, sets) in found {
                out.extend(sets.into_iter().map(|s| (a.clone(), s)));
            }
        }
        PairStrategy::ByPermissionSet => {
            let found = admin
                .each(
                    "provisioning by permission set",
                    sets.to_vec(),
                    |s| async move {
                        let accts =
                            super::permission_sets::provisioned_accounts(admin, instance, &s, None)
                                .await?;
                        Ok((s, accts))
                    },
                )
                .await?;
            for (s, accts) in found {
                out.extend(accts.into_iter().map(|a| (a, s.clone())));
            }
        }
    }
    Ok(out.into_iter().collect())
}

fn grant(
    account: Option<&str>,
    set: Option<&str>,
    kind: Option<&aws_sdk_ssoadmin::types::PrincipalType>,
    id: Option<&str>,
) -> Option<AccountGrant> {
    Some(AccountGrant {
        account_id: account?.to_string(),
        permission_set_arn: set?.to_string(),
        principal_kind: PrincipalKind::parse(kind?.as_str())?,
        principal_id: id?.to_string(),
    })
}

/// Assignments of one permission set in one account.
pub async fn of_pair(
    admin: &Admin,
    instance: &str,
    account: &str,
    set: &str,
) -> Result<Vec<AccountGrant>, ServiceError> {
    let sso = &admin.sso;
    admin
        .collect(|next| async move {
            let page = sso
                .list_account_assignments()
                .instance_arn(instance)
                .account_id(account)
                .permission_set_arn(set)
                .max_results(100)
                .set_next_token(next)
                .send()
                .await
                .map_err(sdk("ListAccountAssignments"))?;
            let items = page
                .account_assignments()
                .iter()
                .filter_map(|a| {
                    grant(
                        a.account_id().or(Some(account)),
                        a.permission_set_arn().or(Some(set)),
                        a.principal_type(),
                        a.principal_id(),
                    )
                })
                .collect();
            Ok((items, page.next_token().map(str::to_string)))
        })
        .await
}

/// Assignments of every pair.
pub async fn of_pairs(
    admin: &Admin,
    instance: &str,
    pairs: Vec<(String, String)>,
) -> Result<BTreeSet<AccountGrant>, ServiceError> {
    let found = admin
        .each("assignments", pairs, |(a, s)| async move {
            of_pair(admin, instance, &a, &s).await
        })
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// The assignments of every principal listed.
pub async fn of_principals(
    admin: &Admin,
    instance: &str,
    principals: Vec<(PrincipalKind, String)>,
) -> Result<BTreeSet<AccountGrant>, ServiceError> {
    let found = admin
        .each(
            "assignments by principal",
            principals,
            |(kind, id)| async move { of_principal(admin, instance, kind, &id).await },
        )
        .await?;
    Ok(found.into_iter().flatten().collect())
}

/// A principal's own assignments (a user's group grants are not included).
pub async fn of_principal(
    admin: &Admin,
    instance: &str,
    kind: PrincipalKind,
    id: &str,
) -> Result<Vec<AccountGrant>, ServiceError> {
    let sso = &admin.sso;
    let wire = aws_sdk_ssoadmin::types::PrincipalType::from(kind.as_str());
    admin
        .collect(|next| {
            let wire = wire.clone();
            async move {
                let page = sso
                    .list_account_assignments_for_principal()
                    .instance_arn(instance)
                    .principal_type(wire)
                    .principal_id(id)
                    .max_results(100)
                    .set_next_token(next)
                    .send()
                    .await
                    .map_err(sdk("ListAccountAssignmentsForPrincipal"))?;
                let items = page
                    .account_assignments()
                    .iter()
                    .filter_map(|a| {
                        let k = aws_sdk_ssoadmin::types::PrincipalType::from(kind.as_str());
                        grant(
                            a.account_id(),
                            a.permission_set_arn(),
                            a.principal_type().or(Some(&k)),
                            a.principal_id().or(Some(id)),
                        )
                    })
                    .collect();
                Ok((items, page.next_token().map(str::to_string)))
            }
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cheaper_pruning_is_chosen_for_the_shape() {
        // 500 accounts, 40 sets: 500 calls by account, 40 × 5 pages by set.
        assert_eq!(choose(Some(500), 40), PairStrategy::ByPermissionSet);
        // 10 accounts, 40 sets: 10 calls by account, 40 by set.
        assert_eq!(choose(Some(10), 40), PairStrategy::ByAccount);
        // Without the account list only the per-set walk is possible.
        assert_eq!(choose(None, 3), PairStrategy::ByPermissionSet);
        // 150 sets: 2 pages per account.
        assert_eq!(choose(Some(100), 150), PairStrategy::ByPermissionSet);
    }
}
