//! The judgements the parser makes about a record: its event group, its identity format, whether
//! a value is a masked placeholder or a `Failure` result, and which logged credential types are
//! second factors. Pure functions on strings, so each rule is tested on its own.

use super::{EventFormat, EventGroup};

/// Access-portal event names (`sso.amazonaws.com`), from the seed post's table of event groups.
const PORTAL_EVENTS: [&str; 8] = [
    "Authenticate",
    "Federate",
    "ListAccountRoles",
    "ListAccounts",
    "ListApplications",
    "ListProfilesForApplication",
    "GetRoleCredentials",
    "Logout",
];

/// Identity Store events by which a user manages their own MFA devices in the access portal.
const MFA_DEVICE_CHANGES: [&str; 6] = [
    "DeleteMfaDeviceForUser",
    "UpdateMfaDeviceForUser",
    "StartWebAuthnDeviceRegistration",
    "StartVirtualMfaDeviceRegistration",
    "CompleteWebAuthnDeviceRegistration",
    "CompleteVirtualMfaDeviceRegistration",
];

/// Credential types that are a first factor, not MFA.
const FIRST_FACTORS: [&str; 3] = ["PASSWORD", "EXTERNAL_IDP", "SMARTCARD"];

/// The event group of `eventSource` + `eventName`.
pub fn event_group(source: &str, name: &str) -> EventGroup {
    let source = source.trim();
    let is = |s: &str| source.eq_ignore_ascii_case(s);
    if is("sso.amazonaws.com") {
        if name == "CreateToken" {
            // Older records logged the OIDC token call under the portal's source.
            EventGroup::Oidc
        } else if PORTAL_EVENTS.contains(&name) || is_legacy_portal_url(name) {
            EventGroup::Portal
        } else {
            EventGroup::Admin
        }
    } else if is("sso-oauth.amazonaws.com") || is("sso-oidc.amazonaws.com") {
        EventGroup::Oidc
    } else if is("signin.amazonaws.com") {
        EventGroup::Signin
    } else if is("sso-directory.amazonaws.com")
        || is("identitystore.amazonaws.com")
        || is("identitystore-scim.amazonaws.com")
    {
        EventGroup::Directory
    } else if is("mpa.amazonaws.com") {
        EventGroup::Mpa
    } else {
        EventGroup::Other
    }
}

/// Before 2020 the portal logged some calls with the request URL as the event name
/// (`https://portal.sso.us-east-1.amazonaws.com/instance/appinstances`).
fn is_legacy_portal_url(name: &str) -> bool {
    name.starts_with("https://portal.sso.") || name.starts_with("https://portal.sso-")
}

/// What the parser knows about a record's identity when it picks the format.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdentityShape<'a> {
    /// `userIdentity.type`, if any.
    pub identity_type: Option<&'a str>,
    /// `userIdentity.userName` is present (masked or not).
    pub has_identity_user_name: bool,
    /// An Identity Center user id is present (`onBehalfOf` or `additionalEventData`).
    pub has_idc_user: bool,
    /// `additionalEventData.CredentialType` names SMARTCARD (WorkSpaces sign-in, which shares
    /// the sign-in event names but is not Identity Center).
    pub smartcard: bool,
}

/// The identity format of a record in `group`.
///
/// - `IdentityCenterUser` is new, whatever else the record has.
/// - An Identity Center user id under `Unknown` (or no type) is the transition shape; under any
///   other principal type it is trusted identity propagation.
/// - Without an Identity Center user id, `Unknown` with a `userName` is old, in the groups where
///   Identity Center users act.
/// - `Unknown` (or no identity) with no user name is unauthenticated in the sign-in, portal and
///   OIDC groups, unless it is a smart-card sign-in.
/// - Everything else is other.
pub fn event_format(shape: IdentityShape<'_>, group: EventGroup) -> EventFormat {
    let kind = shape.identity_type.map(str::trim);
    let unknown = matches!(kind, None | Some("Unknown"));
    if kind == Some("IdentityCenterUser") {
        return EventFormat::New;
    }
    if shape.has_idc_user {
        return if unknown {
            EventFormat::Transition
        } else {
            EventFormat::Tip
        };
    }
    if !unknown {
        return EventFormat::Other;
    }
    let user_facing = matches!(
        group,
        EventGroup::Portal | EventGroup::Oidc | EventGroup::Signin
    );
    if shape.has_identity_user_name {
        if user_facing || group == EventGroup::Directory {
            EventFormat::Old
        } else {
            EventFormat::Other
        }
    } else if user_facing && !shape.smartcard {
        EventFormat::Unauthenticated
    } else {
        EventFormat::Other
    }
}

/// A masked value: `HIDDEN_DUE_TO_SECURITY_REASONS` and its kin (upper-case words joined by
/// underscores starting with `HIDDEN_`). Such a value is never a user's name.
pub fn is_masked(value: &str) -> bool {
    let value = value.trim();
    value.len() > "HIDDEN_".len()
        && value.starts_with("HIDDEN_")
        && value.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
}

/// A sign-in style result value meaning failure (`"CredentialVerification": "Failure"`,
/// `"ConsoleLogin": "Failure"`).
pub fn is_failure_result(value: &str) -> bool {
    value.trim().eq_ignore_ascii_case("failure")
}

/// Whether `CredentialType` names a smart card.
pub fn is_smartcard(credential_type: &str) -> bool {
    credential_types(credential_type).any(|t| t.eq_ignore_ascii_case("SMARTCARD"))
}

/// The second factors in a `CredentialType` such as `PASSWORD,TOTP` (here `["TOTP"]`).
pub fn mfa_factors(credential_type: &str) -> Vec<String> {
    credential_types(credential_type)
        .filter(|t| !FIRST_FACTORS.iter().any(|f| t.eq_ignore_ascii_case(f)))
        .map(str::to_owned)
        .collect()
}

fn credential_types(credential_type: &str) -> impl Iterator<Item = &str> {
    credential_type
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Whether an event changes a user's MFA devices (registering, renaming or deleting one), which
/// the events screen highlights.
pub fn is_mfa_device_change(source: &str, name: &str) -> bool {
    event_group(source, name) == EventGroup::Directory && MFA_DEVICE_CHANGES.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_the_seed_post_table() {
        let g = event_group;
        assert_eq!(
            g("sso.amazonaws.com", "GetRoleCredentials"),
            EventGroup::Portal
        );
        assert_eq!(g("sso.amazonaws.com", "Federate"), EventGroup::Portal);
        assert_eq!(g("sso.amazonaws.com", "Logout"), EventGroup::Portal);
        assert_eq!(g("sso.amazonaws.com", "CreateToken"), EventGroup::Oidc);
        assert_eq!(
            g("sso.amazonaws.com", "CreateAccountAssignment"),
            EventGroup::Admin
        );
        assert_eq!(
            g("sso.amazonaws.com", "DescribePermissionsPolicies"),
            EventGroup::Admin
        );
        assert_eq!(
            g(
                "sso.amazonaws.com",
                "https://portal.sso.us-east-1.amazonaws.com/instance/appinstances"
            ),
            EventGroup::Portal
        );
        assert_eq!(
            g("sso-oauth.amazonaws.com", "CreateTokenWithIAM"),
            EventGroup::Oidc
        );
        assert_eq!(
            g("signin.amazonaws.com", "CredentialChallenge"),
            EventGroup::Signin
        );
        assert_eq!(
            g("signin.amazonaws.com", "ConsoleLogin"),
            EventGroup::Signin
        );
        assert_eq!(
            g("sso-directory.amazonaws.com", "CreateGroup"),
            EventGroup::Directory
        );
        assert_eq!(
            g("identitystore.amazonaws.com", "ListMfaDevicesForUser"),
            EventGroup::Directory
        );
        assert_eq!(
            g("identitystore-scim.amazonaws.com", "PatchUser"),
            EventGroup::Directory
        );
        assert_eq!(g("mpa.amazonaws.com", "VoteOnSession"), EventGroup::Mpa);
        assert_eq!(
            g("sts.amazonaws.com", "GetCallerIdentity"),
            EventGroup::Other
        );
        assert_eq!(g("", ""), EventGroup::Other);
    }

    fn shape(kind: Option<&str>, name: bool, idc: bool) -> IdentityShape<'_> {
        IdentityShape {
            identity_type: kind,
            has_identity_user_name: name,
            has_idc_user: idc,
            smartcard: false,
        }
    }

    #[test]
    fn identity_center_user_is_new_in_any_group() {
        for group in EventGroup::ALL {
            let f = event_format(shape(Some("IdentityCenterUser"), false, true), group);
            assert_eq!(f, EventFormat::New, "{group:?}");
        }
    }

    #[test]
    fn onbehalfof_under_unknown_is_transition_and_under_roles_is_tip() {
        let g = EventGroup::Signin;
        assert_eq!(
            event_format(shape(Some("Unknown"), true, true), g),
            EventFormat::Transition
        );
        assert_eq!(
            event_format(shape(None, false, true), g),
            EventFormat::Transition
        );
        assert_eq!(
            event_format(shape(Some("AssumedRole"), false, true), EventGroup::Other),
            EventFormat::Tip
        );
        assert_eq!(
            event_format(shape(Some("AssumedRole"), false, true), EventGroup::Oidc),
            EventFormat::Tip
        );
    }

    #[test]
    fn unknown_with_user_name_is_old_only_where_users_act() {
        for group in [
            EventGroup::Portal,
            EventGroup::Oidc,
            EventGroup::Signin,
            EventGroup::Directory,
        ] {
            assert_eq!(
                event_format(shape(Some("Unknown"), true, false), group),
                EventFormat::Old
            );
        }
        for group in [EventGroup::Admin, EventGroup::Mpa, EventGroup::Other] {
            assert_eq!(
                event_format(shape(Some("Unknown"), true, false), group),
                EventFormat::Other
            );
        }
    }

    #[test]
    fn unknown_without_user_is_unauthenticated_unless_smartcard_or_not_user_facing() {
        let s = shape(Some("Unknown"), false, false);
        assert_eq!(
            event_format(s, EventGroup::Signin),
            EventFormat::Unauthenticated
        );
        assert_eq!(
            event_format(shape(None, false, false), EventGroup::Portal),
            EventFormat::Unauthenticated
        );
        // SCIM provisioning calls are Unknown without a user, and not a sign-in.
        assert_eq!(event_format(s, EventGroup::Directory), EventFormat::Other);
        let workspaces = IdentityShape {
            smartcard: true,
            ..s
        };
        assert_eq!(
            event_format(workspaces, EventGroup::Signin),
            EventFormat::Other
        );
    }

    #[test]
    fn other_principals_without_an_idc_user_are_other() {
        for kind in [
            "IAMUser",
            "Root",
            "AssumedRole",
            "SAMLUser",
            "WebIdentityUser",
            "AWSService",
        ] {
            assert_eq!(
                event_format(shape(Some(kind), true, false), EventGroup::Portal),
                EventFormat::Other
            );
        }
    }

    #[test]
    fn masked_markers_are_recognised_and_names_are_not() {
        assert!(is_masked("HIDDEN_DUE_TO_SECURITY_REASONS"));
        assert!(is_masked(" HIDDEN_FOR_PRIVACY "));
        assert!(!is_masked("HIDDEN_"));
        assert!(!is_masked("hidden_due_to_security_reasons"));
        assert!(!is_masked("HIDDEN_alice"));
        assert!(!is_masked("alice@example.com"));
    }

    #[test]
    fn failure_results() {
        assert!(is_failure_result("Failure"));
        assert!(is_failure_result("FAILURE"));
        assert!(!is_failure_result("Success"));
        assert!(!is_failure_result("Failed login for Failure"));
    }

    #[test]
    fn mfa_factors_leave_out_first_factors() {
        assert_eq!(mfa_factors("PASSWORD"), Vec::<String>::new());
        assert_eq!(mfa_factors("PASSWORD,TOTP"), vec!["TOTP"]);
        assert_eq!(
            mfa_factors(" WEBAUTHN , RESYNC_TOTP,"),
            vec!["WEBAUTHN", "RESYNC_TOTP"]
        );
        assert_eq!(mfa_factors("EXTERNAL_IDP"), Vec::<String>::new());
        assert!(is_smartcard("SMARTCARD"));
        assert!(!is_smartcard("PASSWORD,TOTP"));
    }

    #[test]
    fn mfa_device_changes_are_identity_store_events_only() {
        assert!(is_mfa_device_change(
            "identitystore.amazonaws.com",
            "CompleteWebAuthnDeviceRegistration"
        ));
        assert!(is_mfa_device_change(
            "sso-directory.amazonaws.com",
            "DeleteMfaDeviceForUser"
        ));
        assert!(!is_mfa_device_change(
            "identitystore.amazonaws.com",
            "ListMfaDevicesForUser"
        ));
        assert!(!is_mfa_device_change(
            "iam.amazonaws.com",
            "DeleteMfaDeviceForUser"
        ));
    }
}
