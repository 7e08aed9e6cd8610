//! A property test without nightly: thousands of fixture records mutated at random (keys
//! deleted, types changed, control characters, huge strings, duplicated keys, truncated and
//! corrupted text), from a fixed seed. No input may panic the parser, and every output must
//! agree with the record it came from: the right error for a record missing what every record
//! has, and otherwise the documented outcome, format and name rules, a well-formed JSON line,
//! and the same event from every parsing path (value, text, streamed with and without raw).

use std::io::Cursor;

use centry::model::trail_event::{
    EventFilter, EventFormat, IpMatch, TrailEvent, TrailEventError, UserName, classify,
    parse_json_str, parse_record, short_user_agent,
};
use centry::services::trail_files::{ReadOptions, TrailSource, read_trail};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};

use super::trail_fixtures::{fixture_dir, records};

const ROUNDS: usize = 3000;

fn seeds() -> Vec<Value> {
    let mut files: Vec<String> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".json"))
        .collect();
    files.sort();
    files.iter().flat_map(|f| records(f)).collect()
}

/// Keys the parser reads, so mutations hit them often.
const HOT_KEYS: [&str; 14] = [
    "eventID",
    "eventTime",
    "eventSource",
    "eventName",
    "userIdentity",
    "additionalEventData",
    "serviceEventDetails",
    "responseElements",
    "errorCode",
    "userAgent",
    "sourceIPAddress",
    "type",
    "onBehalfOf",
    "UserName",
];

fn odd_string(rng: &mut StdRng) -> String {
    let choices = [
        String::new(),
        "   ".into(),
        "HIDDEN_DUE_TO_SECURITY_REASONS".into(),
        "IdentityCenterUser".into(),
        "Unknown".into(),
        "Failure".into(),
        "\u{1b}[2J\u{1b}]0;pwned\u{7}".into(),
        "\0\r\n\t\u{7f}\u{9b}".into(),
        "x".repeat(100_000),
        "é🙂".repeat(5_000),
        "2025-13-40T99:99:99Z".into(),
        "9999-12-31T23:59:59.999999999Z".into(),
        "-0001-01-01T00:00:00Z".into(),
        "2020-12-07 20:33:58.123456789".into(),
        "PASSWORD,,TOTP,".into(),
        "sso.amazonaws.com".into(),
        "aws-cli/".into(),
        "Mozilla/5.0 Chrome/".into(),
    ];
    choices.choose(rng).cloned().unwrap_or_default()
}

fn random_value(rng: &mut StdRng, depth: u32) -> Value {
    match rng.random_range(0..9) {
        0 => Value::Null,
        1 => json!(rng.random_bool(0.5)),
        2 => json!(rng.random::<i64>()),
        3 => json!(rng.random::<f64>() * 1e300),
        4 | 5 => json!(odd_string(rng)),
        6 if depth < 4 => Value::Array(
            (0..rng.random_range(0..4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        7 if depth < 4 => {
            let mut map = Map::new();
            for _ in 0..rng.random_range(0..4) {
                let key = HOT_KEYS.choose(rng).copied().unwrap_or("k");
                map.insert(key.into(), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
        _ => json!(odd_string(rng)),
    }
}

/// One structural mutation somewhere in `value`.
fn mutate(rng: &mut StdRng, value: &mut Value, depth: u32) {
    match value {
        Value::Object(map) if !map.is_empty() && depth < 6 && rng.random_bool(0.6) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = keys.choose(rng).cloned().unwrap_or_default();
            if let Some(child) = map.get_mut(&key) {
                mutate(rng, child, depth + 1);
            }
        }
        Value::Array(items) if !items.is_empty() && depth < 6 && rng.random_bool(0.6) => {
            let i = rng.random_range(0..items.len());
            mutate(rng, &mut items[i], depth + 1);
        }
        Value::Object(map) => match rng.random_range(0..3) {
            0 if !map.is_empty() => {
                let keys: Vec<String> = map.keys().cloned().collect();
                let key = keys.choose(rng).cloned().unwrap_or_default();
                map.remove(&key);
            }
            _ => {
                let key = HOT_KEYS.choose(rng).copied().unwrap_or("k");
                map.insert(key.into(), random_value(rng, depth));
            }
        },
        Value::String(s) if rng.random_bool(0.5) => {
            let at = s.char_indices().map(|(i, _)| i).collect::<Vec<_>>();
            let i = at.choose(rng).copied().unwrap_or(0);
            s.insert_str(
                i,
                ["\u{1b}[31m", "\0", "\n", "\u{85}", "\u{202e}"]
                    .choose(rng)
                    .copied()
                    .unwrap_or(""),
            );
        }
        other => *other = random_value(rng, depth),
    }
}

/// Text-level damage: truncation, a stray byte, a duplicated key, deep nesting.
fn damage_text(rng: &mut StdRng, text: &str) -> String {
    let boundary = |rng: &mut StdRng| {
        let cut = rng.random_range(0..=text.len());
        (0..=cut)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0)
    };
    let stray = |rng: &mut StdRng| {
        ["\"", "{", "]", ",", "\\", "\u{0}", "}", ":", "[", "null"]
            .choose(rng)
            .copied()
            .unwrap_or("")
    };
    match rng.random_range(0..5) {
        0 => text[..boundary(rng)].to_owned(),
        1 => {
            let at = boundary(rng);
            format!("{}{}{}", &text[..at], stray(rng), &text[at..])
        }
        4 => {
            // Right after a structural character, where array and wrapper damage happens.
            let marks: Vec<usize> = text
                .match_indices(['{', '}', '[', ']', ',', ':'])
                .map(|(i, _)| i + 1)
                .collect();
            let at = marks.choose(rng).copied().unwrap_or(0);
            format!("{}{}{}", &text[..at], stray(rng), &text[at..])
        }
        2 => text.replacen('{', "{\"eventName\": \"Dup\", \"eventTime\": 1, ", 1),
        _ => format!("{}{text}{}", "[".repeat(300), "]".repeat(300)),
    }
}

fn text_of(value: &Value) -> Option<&str> {
    value.as_str().filter(|s| !s.trim().is_empty())
}

/// Whether a top-level value of `responseElements`/`serviceEventDetails` says Failure.
fn says_failure(value: &Value) -> bool {
    value.as_object().is_some_and(|m| {
        m.values()
            .any(|v| v.as_str().is_some_and(classify::is_failure_result))
    })
}

/// Checks one parse result against the record it came from.
fn check(record: &Value, result: &Result<TrailEvent, TrailEventError>) {
    let Some(object) = record.as_object() else {
        assert_eq!(result.as_ref().err(), Some(&TrailEventError::NotAnObject));
        return;
    };
    let missing = ["eventID", "eventSource", "eventName", "eventTime"]
        .into_iter()
        .find(|k| text_of(object.get(*k).unwrap_or(&Value::Null)).is_none());
    let event = match (missing, result) {
        (Some(field), Err(e)) => return assert_eq!(*e, TrailEventError::MissingField(field)),
        (Some(field), Ok(_)) => panic!("accepted a record without {field}"),
        (None, Err(TrailEventError::BadEventTime(shown))) => {
            assert!(
                !shown.chars().any(char::is_control),
                "error text is escaped: {shown:?}"
            );
            assert!(shown.chars().count() < 1000, "error text is clipped");
            return;
        }
        (None, Err(e)) => panic!("unexpected error {e} for {record}"),
        (None, Ok(event)) => event,
    };
    assert_eq!(Some(event.event_id.as_str()), text_of(&record["eventID"]));
    assert_eq!(
        Some(event.event_name.as_str()),
        text_of(&record["eventName"])
    );
    let failed = text_of(&record["errorCode"]).is_some()
        || says_failure(&record["responseElements"])
        || says_failure(&record["serviceEventDetails"]);
    assert_eq!(
        event.outcome == centry::model::trail_event::Outcome::Failure,
        failed,
        "{record}"
    );
    let kind = record["userIdentity"]["type"].as_str().map(str::trim);
    assert_eq!(
        event.format == EventFormat::New,
        kind == Some("IdentityCenterUser")
    );
    assert_eq!(event.user_name.is_some(), event.user_name_source.is_some());
    if let Some(UserName::Name(name)) = &event.user_name {
        assert!(!classify::is_masked(name), "a masked value taken as a name");
    }
    assert!(event.event_time.offset().is_utc());
    let line: Value = serde_json::from_str(&event.to_json_line()).expect("JSON line parses");
    assert_eq!(line.as_object().map(Map::len), Some(19));
    if let Some(ua) = &event.user_agent {
        assert!(short_user_agent(ua).chars().count() <= 32);
    }
    let filter = EventFilter {
        user: Some("user1".into()),
        source_ip: Some("10.0.0.0/8".parse::<IpMatch>().unwrap()),
        ..Default::default()
    };
    let _ = filter.matches(event);
    let _ = event.raw_pretty();
}

#[test]
fn mutated_records_never_panic_and_outputs_stay_sane() {
    let seeds = seeds();
    let mut rng = StdRng::seed_from_u64(0x5ec_0c0de);
    let mut mutated = Vec::with_capacity(ROUNDS);
    let (mut accepted, mut rejected) = (0, 0);
    for _ in 0..ROUNDS {
        let mut record = seeds.choose(&mut rng).cloned().unwrap_or(Value::Null);
        for _ in 0..rng.random_range(1..=4) {
            mutate(&mut rng, &mut record, 0);
        }
        let result = parse_record(&record);
        check(&record, &result);
        // The text path must agree with the value path.
        let from_text = parse_json_str(&record.to_string());
        match (&result, &from_text) {
            (Ok(a), Ok(b)) => assert_eq!(a.to_json_line(), b.to_json_line()),
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => panic!("value and text paths disagree on {record}"),
        }
        if result.is_ok() {
            accepted += 1
        } else {
            rejected += 1
        }
        mutated.push(record);
    }
    assert!(
        accepted > ROUNDS / 10 && rejected > ROUNDS / 10,
        "both kinds exercised: {accepted}/{rejected}"
    );

    // The same records streamed from one log, with and without raw: same events, same order.
    let log = serde_json::to_vec(&json!({ "Records": mutated })).unwrap();
    let lines = |keep_raw: bool| -> (Vec<String>, u64) {
        let source = TrailSource::Reader {
            name: "mutated".into(),
            reader: Box::new(Cursor::new(log.clone())),
        };
        let mut reader = read_trail(
            vec![source],
            ReadOptions {
                keep_raw,
                ..Default::default()
            },
        );
        let lines = reader.by_ref().map(|e| e.to_json_line()).collect();
        let summary = reader.finish();
        assert!(summary.file_errors.is_empty(), "{:?}", summary.file_errors);
        (lines, summary.malformed)
    };
    let expected: Vec<String> = mutated
        .iter()
        .filter_map(|r| parse_record(r).ok())
        .map(|e| e.to_json_line())
        .collect();
    for keep_raw in [true, false] {
        let (streamed, malformed) = lines(keep_raw);
        assert_eq!(streamed, expected, "keep_raw {keep_raw}");
        assert_eq!(malformed, rejected as u64);
    }
}

#[test]
fn damaged_text_never_panics() {
    let seeds = seeds();
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..ROUNDS {
        // A single record, or a small log whose array and wrapper get damaged too.
        let original = if rng.random_bool(0.5) {
            seeds.choose(&mut rng).cloned().unwrap_or(Value::Null)
        } else {
            let records: Vec<Value> = seeds.choose_multiple(&mut rng, 3).cloned().collect();
            json!({ "Records": records })
        };
        let text = damage_text(&mut rng, &original.to_string());
        let result = parse_json_str(&text);
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => check(&value, &result),
            // Valid JSON nested deeper than serde_json's Value allows is still not an object.
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
                assert_eq!(result.as_ref().err(), Some(&TrailEventError::NotAnObject))
            }
            Err(_) => assert!(
                matches!(result, Err(TrailEventError::InvalidJson(_))),
                "{result:?}"
            ),
        }
        if let Err(TrailEventError::InvalidJson(message)) = &result {
            assert!(!message.chars().any(char::is_control));
        }
        // And as a whole log file: a broken file is an error for that file, never a panic.
        let source = TrailSource::Reader {
            name: "damaged".into(),
            reader: Box::new(Cursor::new(text.into_bytes())),
        };
        let mut reader = read_trail(vec![source], ReadOptions::default());
        let delivered = reader.by_ref().count() as u64;
        let summary = reader.finish();
        assert_eq!(summary.matched, delivered);
        assert_eq!(summary.files_read + summary.file_errors.len() as u64, 1);
    }
}
