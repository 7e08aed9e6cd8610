//! The generated permission sets: the same core sets as the demo organisation (same names and
//! AWS-managed policies, so the emulator authorises them identically), then per-unit sets such
//! as `PaymentsDeployer` to reach the requested count.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::json;

use super::ids;
use super::names::{BUSINESS_UNITS, ROLES, WORKLOAD_POLICIES};
use crate::emulator::org::{Boundary, PermissionSet, PolicyRef};

const AWS: &str = "arn:aws:iam::aws:policy/";

/// The three sets `All Developers` holds on every account (so `dev.user` sees exactly these).
pub(super) const DEVELOPER_TRIO: [&str; 3] =
    ["DeveloperAccess", "ReadOnlyAccess", "ViewOnlyAccess"];
/// The set `jordan.lee` holds in the management account.
pub(super) const AUDITOR: &str = "IdentityCenterAuditor";
/// How many sets the catalogue always provides (the trio and the auditor set).
pub(super) const MIN_SETS: usize = 4;

struct Core {
    name: &'static str,
    description: &'static str,
    duration: &'static str,
    managed: &'static [&'static str],
    customer_managed: &'static [(&'static str, &'static str)],
}

/// The core sets, most essential first: a spec asking for N sets gets the first N of these.
const CORE: &[Core] = &[
    Core {
        name: "DeveloperAccess",
        description: "Day-to-day development: deploy services, read logs, open SSM sessions.",
        duration: "PT8H",
        managed: &[
            "job-function/ViewOnlyAccess",
            "AWSLambda_FullAccess",
            "CloudWatchLogsReadOnlyAccess",
            "AmazonECS_FullAccess",
        ],
        customer_managed: &[
            ("AcmeDeveloperBase", "/acme/"),
            ("AcmeKmsDecryptAppKeys", "/acme/"),
        ],
    },
    Core {
        name: "ReadOnlyAccess",
        description: "Read-only access to every service, including data.",
        duration: "PT8H",
        managed: &["ReadOnlyAccess"],
        customer_managed: &[],
    },
    Core {
        name: "ViewOnlyAccess",
        description: "See what exists without reading any data.",
        duration: "PT12H",
        managed: &["job-function/ViewOnlyAccess"],
        customer_managed: &[],
    },
    Core {
        name: AUDITOR,
        description: "Read-only view of Identity Center, the directory, the organisation and CloudTrail.",
        duration: "PT4H",
        managed: &[
            "SecurityAudit",
            "AWSSSOReadOnly",
            "AWSCloudTrail_ReadOnlyAccess",
            "AWSOrganizationsReadOnlyAccess",
        ],
        customer_managed: &[],
    },
    Core {
        name: "AdministratorAccess",
        description: "Full administrator access to the account.",
        duration: "PT2H",
        managed: &["AdministratorAccess"],
        customer_managed: &[],
    },
    Core {
        name: "PowerUserAccess",
        description: "Everything except IAM, Organizations and account management.",
        duration: "PT4H",
        managed: &["PowerUserAccess"],
        customer_managed: &[],
    },
    Core {
        name: "SecurityAudit",
        description: "Security team read access plus CloudTrail.",
        duration: "PT6H",
        managed: &["SecurityAudit", "AWSCloudTrail_ReadOnlyAccess"],
        customer_managed: &[],
    },
    Core {
        name: "IdentityCenterAdmin",
        description: "Administer Identity Center: permission sets, assignments, applications.",
        duration: "PT2H",
        managed: &[
            "AWSSSOMasterAccountAdministrator",
            "AWSSSODirectoryReadOnly",
            "AWSOrganizationsReadOnlyAccess",
            "AWSCloudTrail_ReadOnlyAccess",
        ],
        customer_managed: &[("AcmeDenyIdentityCenterDeletion", "/guardrails/")],
    },
    Core {
        name: "BillingReadOnly",
        description: "Bills, cost explorer and budgets, read-only.",
        duration: "PT8H",
        managed: &["AWSBillingReadOnlyAccess"],
        customer_managed: &[("AcmeCostExplorerReadOnly", "/")],
    },
    Core {
        name: "DataEngineer",
        description: "Build and run data pipelines on the lake.",
        duration: "PT8H",
        managed: &[
            "AmazonAthenaFullAccess",
            "AWSGlueConsoleFullAccess",
            "AmazonS3ReadOnlyAccess",
        ],
        customer_managed: &[("AcmeDataLakeWriter", "/data/")],
    },
    Core {
        name: "NetworkAdmin",
        description: "VPCs, Transit Gateway, Route 53 and Direct Connect, inside a boundary.",
        duration: "PT4H",
        managed: &["job-function/NetworkAdministrator"],
        customer_managed: &[],
    },
    Core {
        name: "BreakGlass",
        description: "Emergency administrator access. Every use is reviewed by Security.",
        duration: "PT1H",
        managed: &["AdministratorAccess"],
        customer_managed: &[],
    },
    Core {
        name: "BillingAdmin",
        description: "Manage budgets, payment methods and invoices.",
        duration: "PT4H",
        managed: &["job-function/Billing"],
        customer_managed: &[],
    },
];

/// How many core sets there are; sets past these are per-unit sets.
pub(super) const CORE_LEN: usize = CORE.len();

const DURATIONS: [&str; 6] = ["PT1H", "PT2H", "PT4H", "PT6H", "PT8H", "PT12H"];

/// Builds `count` permission sets (at least [`MIN_SETS`]); per-unit sets cycle over `units`.
pub(super) fn build(rng: &mut StdRng, count: usize, units: usize) -> Vec<PermissionSet> {
    let count = count.max(MIN_SETS);
    let mut ps_ids = HashSet::with_capacity(count);
    let mut sets = Vec::with_capacity(count);
    for n in 0..count {
        let id = loop {
            let id = format!("ps-{}", ids::hex(rng, 16));
            if ps_ids.insert(id.clone()) {
                break id;
            }
        };
        let created = ids::time_between(rng, ids::ORG_EPOCH, ids::LATEST);
        sets.push(match CORE.get(n) {
            Some(core) => core_set(core, id, created),
            None => unit_set(rng, n - CORE.len(), units, id, created),
        });
    }
    sets
}

fn core_set(core: &Core, id: String, created: String) -> PermissionSet {
    let inline_policy = match core.name {
        "DeveloperAccess" => Some(json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "DenyIdentityAndOrganizationChanges",
                "Effect": "Deny",
                "Action": ["iam:Create*", "iam:Delete*", "iam:Put*", "sso:*", "identitystore:*", "organizations:*"],
                "Resource": "*"
            }]
        })),
        "DataEngineer" => Some(json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "WriteCuratedZone",
                "Effect": "Allow",
                "Action": ["s3:PutObject", "s3:DeleteObject"],
                "Resource": "arn:aws:s3:::acme-data-lake-curated/*"
            }]
        })),
        _ => None,
    };
    let permissions_boundary = (core.name == "NetworkAdmin").then(|| Boundary {
        managed_policy_arn: None,
        customer_managed: Some(PolicyRef {
            name: "AcmeNetworkAdminBoundary".into(),
            path: Some("/boundaries/".into()),
        }),
    });
    PermissionSet {
        id,
        name: core.name.into(),
        description: Some(core.description.into()),
        session_duration: core.duration.into(),
        relay_state: None,
        managed_policies: core.managed.iter().map(|p| format!("{AWS}{p}")).collect(),
        customer_managed_policies: core
            .customer_managed
            .iter()
            .map(|(name, path)| PolicyRef {
                name: (*name).into(),
                path: Some((*path).into()),
            })
            .collect(),
        inline_policy,
        permissions_boundary,
        outdated_in: Vec::new(),
        created,
    }
}

/// The business unit the `e`-th per-unit set belongs to, in an organisation of `units` units.
pub(super) fn unit_of_extra(e: usize, units: usize) -> usize {
    e % units.max(1)
}

fn unit_set(
    rng: &mut StdRng,
    e: usize,
    units: usize,
    id: String,
    created: String,
) -> PermissionSet {
    let units = units.max(1);
    let unit = BUSINESS_UNITS[unit_of_extra(e, units) % BUSINESS_UNITS.len()];
    let role = ROLES[(e / units) % ROLES.len()];
    let round = e / (units * ROLES.len());
    let name = if round == 0 {
        format!("{unit}{role}")
    } else {
        format!("{unit}{role}{}", round + 1)
    };
    let first = rng.random_range(0..WORKLOAD_POLICIES.len());
    let mut managed = vec![WORKLOAD_POLICIES[first].to_string()];
    if rng.random_bool(0.5) {
        let second = (first + 1 + rng.random_range(0..WORKLOAD_POLICIES.len() - 1))
            % WORKLOAD_POLICIES.len();
        managed.push(WORKLOAD_POLICIES[second].to_string());
    }
    let inline_policy = rng.random_bool(0.3).then(|| {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "SessionManagerOnUnitHosts",
                "Effect": "Allow",
                "Action": ["ssm:StartSession", "ssm:TerminateSession"],
                "Resource": "arn:aws:ec2:*:*:instance/*",
                "Condition": {"StringEquals": {"aws:ResourceTag/unit": unit.to_lowercase()}}
            }]
        })
    });
    PermissionSet {
        id,
        description: Some(format!("{role} access for the {unit} business unit.")),
        session_duration: DURATIONS[rng.random_range(0..DURATIONS.len())].into(),
        relay_state: None,
        managed_policies: managed,
        customer_managed_policies: vec![PolicyRef {
            name: format!("Acme{name}"),
            path: Some("/units/".into()),
        }],
        name,
        inline_policy,
        permissions_boundary: None,
        outdated_in: Vec::new(),
        created,
    }
}
