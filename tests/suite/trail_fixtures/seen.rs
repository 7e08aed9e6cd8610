//! The expectation for one fixture record: every field the parser extracts, built from
//! "absent" defaults so that anything a test does not mention is asserted to be absent.

use centry::model::trail_event::{
    EventFormat, EventGroup, MfaDetails, Outcome, Target, TrailEvent, UserName, UserNameSource,
};

/// The fields under test, compared as a whole so a failure shows every difference at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub id: String,
    pub name: String,
    pub format: EventFormat,
    pub group: EventGroup,
    pub identity_type: Option<String>,
    pub user_id: Option<String>,
    pub store: Option<String>,
    pub credential_id: Option<String>,
    pub user_name: Option<UserName>,
    pub user_name_source: Option<UserNameSource>,
    pub principal_arn: Option<String>,
    pub region: Option<String>,
    pub source_ip: Option<String>,
    pub outcome: Outcome,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub credential_type: Option<String>,
    pub mfa: MfaDetails,
    pub auth_workflow_id: Option<String>,
    pub target: Target,
}

impl Seen {
    pub fn of(e: &TrailEvent) -> Seen {
        Seen {
            id: e.event_id.clone(),
            name: e.event_name.clone(),
            format: e.format,
            group: e.group,
            identity_type: e.identity_type.clone(),
            user_id: e.user_id.clone(),
            store: e.identity_store_arn.clone(),
            credential_id: e.credential_id.clone(),
            user_name: e.user_name.clone(),
            user_name_source: e.user_name_source,
            principal_arn: e.principal_arn.clone(),
            region: e.aws_region.clone(),
            source_ip: e.source_ip.clone(),
            outcome: e.outcome,
            error_code: e.error_code.clone(),
            error_message: e.error_message.clone(),
            credential_type: e.credential_type.clone(),
            mfa: e.mfa.clone(),
            auth_workflow_id: e.auth_workflow_id.clone(),
            target: e.target.clone(),
        }
    }

    /// An expectation with everything optional absent; the builders below add what the record
    /// has, so anything not mentioned is asserted to be absent.
    pub fn new(id: &str, name: &str, format: EventFormat, group: EventGroup) -> Seen {
        Seen {
            id: id.into(),
            name: name.into(),
            format,
            group,
            identity_type: None,
            user_id: None,
            store: None,
            credential_id: None,
            user_name: None,
            user_name_source: None,
            principal_arn: None,
            region: None,
            source_ip: None,
            outcome: Outcome::Success,
            error_code: None,
            error_message: None,
            credential_type: None,
            mfa: MfaDetails::default(),
            auth_workflow_id: None,
            target: Target::default(),
        }
    }

    pub fn identity(mut self, kind: &str) -> Self {
        self.identity_type = Some(kind.into());
        self
    }
    pub fn at(mut self, region: &str, ip: &str) -> Self {
        self.region = Some(region.into());
        self.source_ip = Some(ip.into());
        self
    }
    pub fn named(mut self, name: &str) -> Self {
        self.user_name = Some(UserName::Name(name.into()));
        self.user_name_source = Some(UserNameSource::UserIdentity);
        self
    }
    pub fn idc_user(mut self, user_id: &str, store: &str) -> Self {
        self.user_id = Some(user_id.into());
        self.store = Some(store.into());
        self
    }
    pub fn credential(mut self, id: &str) -> Self {
        self.credential_id = Some(id.into());
        self
    }
    pub fn arn(mut self, arn: &str) -> Self {
        self.principal_arn = Some(arn.into());
        self
    }
    pub fn failed(mut self) -> Self {
        self.outcome = Outcome::Failure;
        self
    }
    pub fn error(mut self, code: &str, message: &str) -> Self {
        self.outcome = Outcome::Failure;
        self.error_code = Some(code.into());
        self.error_message = Some(message.into());
        self
    }
    pub fn sign_in(mut self, credential_type: &str, workflow: &str) -> Self {
        self.credential_type = Some(credential_type.into());
        self.mfa.factors = credential_type
            .split(',')
            .filter(|t| !["PASSWORD", "EXTERNAL_IDP", "SMARTCARD"].contains(t))
            .map(String::from)
            .collect();
        self.auth_workflow_id = Some(workflow.into());
        self
    }
    pub fn session_mfa(mut self, authenticated: bool) -> Self {
        self.mfa.session_mfa_authenticated = Some(authenticated);
        self
    }
    pub fn target(mut self, account: &str, role: Option<&str>) -> Self {
        self.target = Target {
            account_id: Some(account.into()),
            role_name: role.map(String::from),
        };
        self
    }
}
