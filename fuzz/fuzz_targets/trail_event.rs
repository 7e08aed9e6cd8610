//! Arbitrary bytes into every entry point of the CloudTrail record parser: as one record (text
//! and JSON value, which must agree), and as a whole log stream (plain or gzip, wrapper, array or
//! JSON lines). Nothing may panic; outputs must serialise.

#![no_main]

use centry::model::trail_event::{EventFilter, parse_json_str, parse_record, short_user_agent};
use centry::services::trail_files::{ReadOptions, read_stream};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let from_text = parse_json_str(text);
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            let from_value = parse_record(&value);
            match (&from_text, &from_value) {
                (Ok(a), Ok(b)) => assert_eq!(a.to_json_line(), b.to_json_line()),
                (Err(a), Err(b)) => assert_eq!(a, b),
                _ => panic!("text and value paths disagree"),
            }
        }
        if let Ok(event) = &from_text {
            let line: serde_json::Value =
                serde_json::from_str(&event.to_json_line()).expect("line is JSON");
            assert!(line.is_object());
            if let Some(ua) = &event.user_agent {
                let _ = short_user_agent(ua);
            }
            let _ = EventFilter {
                user: Some("alice".into()),
                ..Default::default()
            }
            .matches(event);
        }
    }
    for keep_raw in [true, false] {
        let options = ReadOptions {
            keep_raw,
            ..Default::default()
        };
        let mut delivered = 0u64;
        let summary = read_stream("fuzz", data, &options, &mut |_| delivered += 1);
        assert_eq!(summary.matched, delivered);
    }
});
