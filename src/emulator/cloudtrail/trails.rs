//! CloudTrail's trail descriptions: `DescribeTrails`, `GetTrail`, `ListTrails` and
//! `GetTrailStatus` answer for the one organisation trail the emulator delivers
//! ([`crate::emulator::trail`]): multi-region, organisation-wide, home region the instance's,
//! logging to the configured bucket. Any other name is `TrailNotFoundException`.

use serde_json::{Value, json};

use crate::emulator::caller::Power;
use crate::emulator::rpc::{Call, Guard};
use crate::emulator::state::State;
use crate::emulator::trail::TRAIL_NAME;
use crate::emulator::wire::{ApiError, Protocol, epoch_s};

/// The operations this module answers.
pub const OPERATIONS: [&str; 4] = ["DescribeTrails", "GetTrail", "ListTrails", "GetTrailStatus"];

/// The organisation trail's ARN.
pub fn trail_arn(st: &State) -> String {
    format!(
        "arn:aws:cloudtrail:{}:{}:trail/{TRAIL_NAME}",
        st.org.instance.region, st.org.organization.management_account_id
    )
}

fn trail(st: &State) -> Value {
    json!({
        "Name": TRAIL_NAME,
        "S3BucketName": st.settings.trail.bucket,
        "IncludeGlobalServiceEvents": true,
        "IsMultiRegionTrail": true,
        "HomeRegion": st.org.instance.region,
        "TrailARN": trail_arn(st),
        "LogFileValidationEnabled": false,
        "HasCustomEventSelectors": false,
        "HasInsightSelectors": false,
        "IsOrganizationTrail": true,
    })
}

/// Whether `name` (a name or an ARN) is the organisation trail.
fn is_ours(st: &State, name: &str) -> bool {
    name == TRAIL_NAME || name == trail_arn(st)
}

fn not_found(name: &str) -> ApiError {
    ApiError::new(
        400,
        "TrailNotFoundException",
        format!("Unknown trail: {name} for the user"),
    )
    .message_member("message")
}

/// Dispatch one of [`OPERATIONS`]; the trail is delivered first so its status is current.
pub fn dispatch(call: &Call) -> axum::response::Response {
    crate::emulator::trail::flush(call.emu);
    let guard = Guard {
        protocol: Protocol::AwsJson11,
        event_source: "cloudtrail.amazonaws.com",
        action_prefix: "cloudtrail",
        power: Power::TrailRead,
        read_only: true,
    };
    call.run(guard, |st, _who| match call.op {
        "DescribeTrails" => {
            let names: Vec<&str> = call.input["trailNameList"]
                .as_array()
                .map(|l| l.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let list = if names.is_empty() || names.iter().any(|n| is_ours(st, n)) {
                vec![trail(st)]
            } else {
                Vec::new()
            };
            Ok(json!({ "trailList": list }))
        }
        "ListTrails" => Ok(json!({ "Trails": [{
            "TrailARN": trail_arn(st), "Name": TRAIL_NAME, "HomeRegion": st.org.instance.region,
        }]})),
        "GetTrail" => {
            let name = call.required_str("Name")?;
            if !is_ours(st, name) {
                return Err(not_found(name));
            }
            Ok(json!({ "Trail": trail(st) }))
        }
        _ => {
            let name = call.required_str("Name")?;
            if !is_ours(st, name) {
                return Err(not_found(name));
            }
            let started = st.trail.started();
            let (latest, error) = st.trail.delivery_status();
            let mut out = json!({
                "IsLogging": true,
                "StartLoggingTime": epoch_s(started),
                "TimeLoggingStarted": crate::emulator::wire::iso_s(started),
            });
            if let Some(t) = latest {
                out["LatestDeliveryTime"] = json!(epoch_s(t));
                out["LatestDeliveryAttemptTime"] = json!(crate::emulator::wire::iso_s(t));
                out["LatestDeliveryAttemptSucceeded"] = json!(crate::emulator::wire::iso_s(t));
            }
            if let Some(e) = error {
                out["LatestDeliveryError"] = json!(e);
            }
            Ok(out)
        }
    })
}
