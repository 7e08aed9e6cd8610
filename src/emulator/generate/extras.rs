//! The small fixed parts of a generated organisation: two applications, one Amazon Q Developer
//! profile and one approval team, so every screen has something to show at any scale.

use rand::rngs::StdRng;

use super::directory::{ALL_DEVELOPERS, Directory, JORDAN};
use super::ids;
use super::structure::MANAGEMENT_ACCOUNT;
use crate::emulator::org::{
    AppProfile, Application, ApprovalTeam, Approver, PrincipalKind, PrincipalRef, QCustomization,
    QProfile,
};

fn group(name: &str) -> PrincipalRef {
    PrincipalRef {
        principal_type: PrincipalKind::Group,
        principal: name.into(),
    }
}

fn user(name: &str) -> PrincipalRef {
    PrincipalRef {
        principal_type: PrincipalKind::User,
        principal: name.into(),
    }
}

/// Who gets the developer tools: `All Developers`, and `jordan.lee` when present.
fn developers(dir: &Directory) -> Vec<PrincipalRef> {
    let mut who = vec![group(ALL_DEVELOPERS)];
    if dir.users.iter().any(|u| u.user_name == JORDAN) {
        who.push(user(JORDAN));
    }
    who
}

/// GitHub Enterprise (custom SAML) and Amazon Q Developer, both for developers.
pub(super) fn applications(rng: &mut StdRng, dir: &Directory) -> Vec<Application> {
    let app = |rng: &mut StdRng, name: &str, provider: &str, description: &str| Application {
        id: format!("apl-{}", ids::hex(rng, 16)),
        name: name.into(),
        provider: provider.into(),
        description: Some(description.into()),
        status: "ENABLED".into(),
        url: None,
        assignment_required: true,
        visible: true,
        assignments: developers(dir),
        profiles: Vec::new(),
        scopes: Vec::new(),
        grants: Vec::new(),
        authorized_roles: Vec::new(),
    };
    let mut github = app(
        rng,
        "GitHub Enterprise",
        "custom-saml",
        "Source code, pull requests and Actions.",
    );
    github.url = Some("https://github.com/enterprises/acme".into());
    github.profiles = vec![AppProfile {
        name: "acme".into(),
        description: Some("The acme organisation.".into()),
        protocol: "SAML".into(),
        relay_state: None,
    }];
    let mut q = app(
        rng,
        "Amazon Q Developer",
        "q-developer",
        "Amazon Q Developer Pro subscriptions.",
    );
    q.scopes = ["completions", "analysis", "conversations"]
        .iter()
        .map(|s| format!("codewhisperer:{s}"))
        .collect();
    vec![github, q]
}

/// One us-east-1 profile named `generated`, for developers, with one customization.
pub(super) fn q_profiles(rng: &mut StdRng, dir: &Directory) -> Vec<QProfile> {
    let arn = |rng: &mut StdRng, kind: &str| {
        format!(
            "arn:aws:codewhisperer:us-east-1:{MANAGEMENT_ACCOUNT}:{kind}/{}",
            ids::upper_alnum(rng, 12)
        )
    };
    vec![QProfile {
        arn: arn(rng, "profile"),
        name: "generated".into(),
        description: Some("Generated profile for benchmarks.".into()),
        active_functionalities: ["COMPLETIONS", "ANALYSIS", "CONVERSATIONS"]
            .map(String::from)
            .to_vec(),
        subscribers: developers(dir),
        customizations: vec![QCustomization {
            arn: arn(rng, "customization"),
            name: "acme-monorepo".into(),
            description: Some("Trained on the main monorepo.".into()),
        }],
    }]
}

/// A healthy 2-of-3 team of the first three enabled people after `jordan.lee` (none if fewer).
pub(super) fn approval_teams(rng: &mut StdRng, dir: &Directory) -> Vec<ApprovalTeam> {
    let approvers: Vec<Approver> = dir
        .users
        .iter()
        .skip(2)
        .filter(|u| u.status == "ENABLED")
        .take(3)
        .map(|u| Approver {
            user: u.user_name.clone(),
            identity_status: "ACCEPTED".into(),
            response_time: Some("2026-02-02T13:10:25Z".into()),
        })
        .collect();
    if approvers.len() < 3 {
        return Vec::new();
    }
    vec![ApprovalTeam {
        id: ids::mixed_alnum(rng, 26),
        name: "Generated Vault Guardians".into(),
        description: Some("Approves restores from the generated organisation's vault.".into()),
        min_approvals: 2,
        status: "ACTIVE".into(),
        status_code: None,
        status_message: None,
        approvers,
        protected_resources: vec![format!(
            "arn:aws:backup:us-east-1:{MANAGEMENT_ACCOUNT}:backup-vault:prod-vault"
        )],
        pending_update: None,
        sessions: Vec::new(),
        created: "2026-02-02T12:51:09Z".into(),
    }]
}
