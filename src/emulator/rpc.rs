//! The common path of every SigV4 JSON operation: authenticate the caller, check their
//! permission set allows the action, run the operation on the state, record it for CloudTrail,
//! and render the answer or the modeled error. Also the input helpers that produce the
//! ValidationException text AWS uses.

use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::Emu;
use super::activity::{Activity, Caller};
use super::caller::{Authenticated, Power, authenticate, authorize};
use super::router::RequestCtx;
use super::state::State;
use super::wire::{ApiError, Protocol, ok_json};

/// One JSON-RPC call.
pub struct Call<'a> {
    /// Emulator internals.
    pub emu: &'a Emu,
    /// Request context.
    pub ctx: &'a RequestCtx,
    /// Operation name (after the last `.` of `X-Amz-Target`).
    pub op: &'a str,
    /// Parsed JSON body.
    pub input: &'a Value,
}

/// How an operation is guarded and logged.
pub struct Guard<'a> {
    /// Response protocol.
    pub protocol: Protocol,
    /// CloudTrail event source (`sso.amazonaws.com`).
    pub event_source: &'a str,
    /// IAM action prefix (`sso`, `identitystore`, `organizations`, `cloudtrail`, `mpa`).
    pub action_prefix: &'a str,
    /// The power needed.
    pub power: Power,
    /// Whether the operation only reads.
    pub read_only: bool,
}

impl Call<'_> {
    /// Authenticate, authorize, run `f`, record, render.
    pub fn run(
        &self,
        guard: Guard<'_>,
        f: impl FnOnce(&mut State, &Authenticated) -> Result<Value, ApiError>,
    ) -> Response {
        let mut st = self.emu.state();
        let action = format!("{}:{}", guard.action_prefix, self.op);
        let who = match authenticate(&st, &self.ctx.headers) {
            Ok(w) => w,
            // restJson services refuse credentials with 403; the awsJson ones with 400.
            Err(e) if guard.protocol == Protocol::RestJson => {
                return e.status(403).protocol(guard.protocol).into_response();
            }
            Err(e) => return e.protocol(guard.protocol).into_response(),
        };
        let result = authorize(&st, &who, guard.power, &action).and_then(|()| f(&mut st, &who));
        let error = result
            .as_ref()
            .err()
            .map(|e| (e.code.clone(), e.message.clone()));
        if !matches!(who.caller, Caller::Anonymous) {
            st.record(Activity::AwsCall {
                caller: who.caller.clone(),
                origin: self.ctx.origin.clone(),
                event_source: guard.event_source.to_string(),
                event_name: self.op.to_string(),
                read_only: guard.read_only,
                request: redact(self.input),
                error,
            });
        }
        match result {
            Ok(v) => ok_json(guard.protocol, v),
            Err(e) => e.protocol(guard.protocol).into_response(),
        }
    }

    /// A required string member.
    pub fn required_str(&self, key: &str) -> Result<&str, ApiError> {
        match self.input.get(key) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(ApiError::validation(format!(
                "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must be a string",
                lower_first(key)
            ))),
            None => Err(ApiError::validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(key)
            ))),
        }
    }

    /// An optional string member.
    pub fn optional_str(&self, key: &str) -> Option<&str> {
        self.input.get(key).and_then(Value::as_str)
    }

    /// `MaxResults` (or another page-size member) checked against `1..=max`.
    pub fn max_results(&self, key: &str, max: usize) -> Result<Option<usize>, ApiError> {
        match self.input.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_u64() {
                Some(n) if (1..=max as u64).contains(&n) => Ok(Some(n as usize)),
                _ => Err(ApiError::validation(format!(
                    "1 validation error detected: Value '{v}' at '{}' failed to satisfy constraint: Member must have value between 1 and {max}",
                    lower_first(key)
                ))),
            },
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Request parameters as CloudTrail logs them: secrets replaced.
fn redact(input: &Value) -> Value {
    match input {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let secret = ["secret", "password", "token", "assertion"]
                        .iter()
                        .any(|s| k.to_lowercase().contains(s))
                        && !k.eq_ignore_ascii_case("NextToken");
                    (
                        k.clone(),
                        if secret {
                            Value::String("HIDDEN_DUE_TO_SECURITY_REASONS".into())
                        } else {
                            redact(v)
                        },
                    )
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(redact).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_hidden_in_logged_parameters() {
        let v = redact(
            &json!({"clientSecret": "s3cr3t", "NextToken": "abc", "Filter": {"password": "p"}}),
        );
        assert_eq!(v["clientSecret"], "HIDDEN_DUE_TO_SECURITY_REASONS");
        assert_eq!(v["NextToken"], "abc");
        assert_eq!(v["Filter"]["password"], "HIDDEN_DUE_TO_SECURITY_REASONS");
    }
}
