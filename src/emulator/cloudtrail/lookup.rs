//! CloudTrail `LookupEvents` (awsJson1_1, `CloudTrail_20131101.LookupEvents`): at most one
//! lookup attribute (EventId, EventName, ReadOnly, Username, ResourceType, ResourceName,
//! EventSource, AccessKeyId), an inclusive StartTime/EndTime (default: the last 90 days),
//! MaxResults 1..50, newest first, and a NextToken bound to the other parameters. Callers see
//! their own account's event history; the operator sees the management account's, which holds
//! the Identity Center events. Errors are the modeled ones, with a lower-case `message`.

use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::{Stored, absorb};
use crate::emulator::activity::Caller;
use crate::emulator::caller::{Authenticated, Power};
use crate::emulator::rpc::{Call, Guard};
use crate::emulator::state::State;
use crate::emulator::wire::{ApiError, Protocol, epoch_s};

/// The lookup attributes LookupEvents knows.
const KEYS: [&str; 8] = [
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
];

/// Dispatch a CloudTrail operation.
pub fn dispatch(call: &Call) -> Response {
    if call.op != "LookupEvents" {
        return error(
            "UnsupportedOperationException",
            &format!("The emulator does not implement CloudTrail {}", call.op),
        )
        .into_response();
    }
    let guard = Guard {
        protocol: Protocol::AwsJson11,
        event_source: "cloudtrail.amazonaws.com",
        action_prefix: "cloudtrail",
        power: Power::TrailRead,
        read_only: true,
    };
    call.run(guard, |st, who| {
        let query = Query::parse(call.input)?;
        if let Some((_, source)) = query.attribute.as_ref().filter(|(k, _)| k == "EventSource")
            && let Some(code) = st.trail.source_fault(source)
        {
            let status = if code.starts_with("Internal") {
                500
            } else {
                400
            };
            return Err(error(code, "Injected fault").status(status));
        }
        absorb(st);
        Ok(query.run(st, who))
    })
}

fn error(code: &str, message: &str) -> ApiError {
    ApiError::new(400, code, message).message_member("message")
}

/// A parsed request.
#[derive(Debug, Clone, PartialEq)]
struct Query {
    attribute: Option<(String, String)>,
    start: OffsetDateTime,
    end: OffsetDateTime,
    max: usize,
    insights: bool,
    after: Option<(i128, u64)>,
    /// What tokens are bound to.
    bound: String,
}

fn time_member(input: &Value, key: &str) -> Result<Option<OffsetDateTime>, ApiError> {
    match input.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .and_then(|s| OffsetDateTime::from_unix_timestamp_nanos((s * 1e9) as i128).ok())
            .map(Some)
            .ok_or_else(|| {
                ApiError::validation(format!("{key} must be a timestamp (epoch seconds)"))
            }),
    }
}

impl Query {
    fn parse(input: &Value) -> Result<Query, ApiError> {
        let attribute = match input.get("LookupAttributes") {
            None | Some(Value::Null) => None,
            Some(Value::Array(list)) if list.is_empty() => None,
            Some(Value::Array(list)) if list.len() > 1 => {
                return Err(error(
                    "InvalidLookupAttributesException",
                    "You can specify only one lookup attribute.",
                ));
            }
            Some(Value::Array(list)) => {
                let a = &list[0];
                let key = a["AttributeKey"].as_str().unwrap_or_default();
                let value = a["AttributeValue"].as_str().unwrap_or_default();
                if !KEYS.contains(&key) {
                    return Err(error(
                        "InvalidLookupAttributesException",
                        &format!(
                            "Unknown lookup attribute key {key:?}; valid keys: {}",
                            KEYS.join(", ")
                        ),
                    ));
                }
                if value.is_empty() || value.chars().count() > 2000 {
                    return Err(error(
                        "InvalidLookupAttributesException",
                        "AttributeValue must be 1 to 2000 characters long.",
                    ));
                }
                Some((key.to_string(), value.to_string()))
            }
            Some(_) => {
                return Err(error(
                    "InvalidLookupAttributesException",
                    "LookupAttributes must be a list.",
                ));
            }
        };
        let now = OffsetDateTime::now_utc();
        let start = time_member(input, "StartTime")?.unwrap_or(now - Duration::days(90));
        let end = time_member(input, "EndTime")?.unwrap_or(now);
        if start > end {
            return Err(error(
                "InvalidTimeRangeException",
                "Start time must be before end time.",
            ));
        }
        let max = match input.get("MaxResults") {
            None | Some(Value::Null) => 50,
            Some(v) => match v.as_u64() {
                Some(n @ 1..=50) => n as usize,
                _ => {
                    return Err(error(
                        "InvalidMaxResultsException",
                        "MaxResults must be between 1 and 50.",
                    ));
                }
            },
        };
        let insights = match input.get("EventCategory").and_then(Value::as_str) {
            None => false,
            Some("insight") => true,
            Some(other) => {
                return Err(error(
                    "InvalidEventCategoryException",
                    &format!("Unknown event category {other:?}; the only category is insight."),
                ));
            }
        };
        let mut q = Query {
            attribute,
            start,
            end,
            max,
            insights,
            after: None,
            bound: String::new(),
        };
        q.bound = q.fingerprint(input);
        if let Some(token) = input.get("NextToken").and_then(Value::as_str) {
            q.after = Some(decode(token, &q.bound).ok_or_else(|| {
                error(
                    "InvalidNextTokenException",
                    "The NextToken is not valid for this request (reuse it only with the same parameters).",
                )
            })?);
        }
        Ok(q)
    }

    /// What a token is bound to: every parameter except the token and page size.
    fn fingerprint(&self, input: &Value) -> String {
        format!(
            "{:?}|{}|{}|{}|{}",
            self.attribute,
            input
                .get("StartTime")
                .map(Value::to_string)
                .unwrap_or_default(),
            input
                .get("EndTime")
                .map(Value::to_string)
                .unwrap_or_default(),
            self.insights,
            input
                .get("EventCategory")
                .map(Value::to_string)
                .unwrap_or_default()
        )
    }

    fn matches(&self, e: &Stored) -> bool {
        let Some((key, value)) = &self.attribute else {
            return true;
        };
        match key.as_str() {
            "EventId" => &e.event_id == value,
            "EventName" => &e.event_name == value,
            "ReadOnly" => e.read_only.to_string() == *value,
            "Username" => e.username.as_ref() == Some(value),
            "ResourceType" => e.resources.iter().any(|(t, _)| t == value),
            "ResourceName" => e.resources.iter().any(|(_, n)| n == value),
            "EventSource" => &e.event_source == value,
            "AccessKeyId" => e.access_key_id.as_ref() == Some(value),
            _ => false,
        }
    }

    fn run(&self, st: &State, who: &Authenticated) -> Value {
        if self.insights {
            return json!({"Events": []});
        }
        let owner = &st.org.instance.owner_account_id;
        let visible = |e: &Stored| {
            e.recipient == who.account_id
                || (matches!(who.caller, Caller::Operator { .. }) && &e.recipient == owner)
        };
        let events = st.trail.events();
        let end = events.partition_point(|e| e.time <= self.end);
        let mut page = Vec::new();
        let mut next = None;
        for e in events.range(..end).rev() {
            if e.time < self.start {
                break;
            }
            if self
                .after
                .is_some_and(|cursor| (e.time.unix_timestamp_nanos(), e.seq) >= cursor)
            {
                continue;
            }
            if !visible(e) || !self.matches(e) {
                continue;
            }
            if page.len() == self.max {
                next = page.last().map(|last: &&Stored| {
                    encode((last.time.unix_timestamp_nanos(), last.seq), &self.bound)
                });
                break;
            }
            page.push(e);
        }
        let mut out = json!({"Events": page.iter().map(|e| event(e)).collect::<Vec<_>>()});
        if let Some(n) = next {
            out["NextToken"] = json!(n);
        }
        out
    }
}

fn event(e: &Stored) -> Value {
    let mut v = json!({
        "EventId": e.event_id,
        "EventName": e.event_name,
        "ReadOnly": e.read_only.to_string(),
        "EventTime": epoch_s(e.time),
        "EventSource": e.event_source,
        "Resources": e.resources.iter().map(|(t, n)| json!({"ResourceType": t, "ResourceName": n})).collect::<Vec<_>>(),
        "CloudTrailEvent": e.json,
    });
    if let Some(k) = &e.access_key_id {
        v["AccessKeyId"] = json!(k);
    }
    if let Some(u) = &e.username {
        v["Username"] = json!(u);
    }
    v
}

fn short_hash(s: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(s.as_bytes())[..8])
}

/// A token naming the last event returned (time, insertion order), bound to the parameters.
fn encode(cursor: (i128, u64), fingerprint: &str) -> String {
    let raw = format!("ct1|{}|{}|{}", cursor.0, cursor.1, short_hash(fingerprint));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode(token: &str, fingerprint: &str) -> Option<(i128, u64)> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut parts = text.split('|');
    (parts.next()? == "ct1").then_some(())?;
    let time: i128 = parts.next()?.parse().ok()?;
    let seq: u64 = parts.next()?.parse().ok()?;
    (parts.next()? == short_hash(fingerprint)).then_some((time, seq))
}
