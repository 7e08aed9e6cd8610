//! The organisation trail on disk, through the Rust SDK's CloudTrail client and the folder: every
//! record the emulator makes is delivered as CloudTrail delivers to S3 (gzip JSON with a
//! top-level `Records`, one object per account, region and 5-minute batch, filed by delivery
//! time), DescribeTrails / GetTrailStatus name the bucket and the organisation trail, and a
//! folder's foreign objects are left as they are.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use centry::trail_sql::layout;
use serde_json::Value;

use crate::common::trail::{records, sign_in_as};
use crate::common::{self, MGMT};

/// Every object under the trail root: (partition, name, records).
fn objects(root: &Path) -> Vec<(layout::Partition, String, Vec<Value>)> {
    layout::list_objects(root)
        .into_iter()
        .map(|o| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&o.path).unwrap())
                .read_to_string(&mut text)
                .expect("gzip");
            let doc: Value = serde_json::from_str(&text).expect("JSON");
            let name = o.path.file_name().unwrap().to_string_lossy().into_owned();
            (
                o.partition,
                name,
                doc["Records"].as_array().unwrap().clone(),
            )
        })
        .collect()
}

/// `YYYYMMDDTHHmmZ` from an object name, as a time.
fn stamp(name: &str) -> time::OffsetDateTime {
    let s = name.split('_').nth(3).unwrap();
    let f = time::macros::format_description!("[year][month][day]T[hour][minute]Z");
    time::PrimitiveDateTime::parse(s, &f).unwrap().assume_utc()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_record_is_delivered_in_cloudtrails_s3_layout() {
    let emu = common::demo().await;
    sign_in_as(&emu, "jordan.lee", b"Mozilla/5.0").await;
    let ct = common::operator(&emu).cloudtrail(false);
    let trails = ct.describe_trails().send().await.expect("DescribeTrails");
    let t = &trails.trail_list()[0];
    let bucket = format!("aws-cloudtrail-logs-{MGMT}-org");
    assert_eq!(t.s3_bucket_name(), Some(bucket.as_str()));
    assert_eq!(t.is_organization_trail(), Some(true));
    assert_eq!(t.is_multi_region_trail(), Some(true));
    let status = ct
        .get_trail_status()
        .name(t.trail_arn().unwrap())
        .send()
        .await
        .expect("GetTrailStatus");
    assert_eq!(status.is_logging(), Some(true));
    assert!(status.latest_delivery_time().is_some());
    let err = ct
        .get_trail_status()
        .name("someone-elses")
        .send()
        .await
        .unwrap_err();
    assert!(err.into_service_error().is_trail_not_found_exception());

    let held = records(&emu);
    emu.deliver_trail();
    let org = emu.emu().state().org.organization.id.clone();
    let delivered = objects(&emu.trail_dir());
    let mut ids = HashSet::new();
    for (part, name, recs) in &delivered {
        assert_eq!(part.org, org);
        let at = stamp(name);
        assert_eq!(part.date, at.date(), "filed by delivery day: {name}");
        assert!(!recs.is_empty());
        for r in recs {
            assert_eq!(r["recipientAccountId"], part.account.as_str());
            assert_eq!(r["awsRegion"], part.region.as_str());
            let t = time::OffsetDateTime::parse(
                r["eventTime"].as_str().unwrap(),
                &time::format_description::well_known::Rfc3339,
            )
            .unwrap();
            assert!(
                t < at && at - t <= time::Duration::minutes(5),
                "{name}: {t}"
            );
            assert!(ids.insert(r["eventID"].as_str().unwrap().to_string()));
        }
    }
    let want: HashSet<String> = held
        .iter()
        .map(|r| r["eventID"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, want, "every record delivered once");
    assert!(
        held.iter().any(|r| r["userAgent"] == "Mozilla/5.0"),
        "the sign-in is in the trail"
    );
    // One object per account, region and window in each delivery: the history's 5-minute
    // windows hold many records, so there are far fewer objects than records.
    assert!(
        delivered.len() * 2 < held.len(),
        "{} objects",
        delivered.len()
    );
    let dir = emu.trail_dir();
    emu.stop().await;
    assert!(
        !dir.exists(),
        "the emulator's own trail folder goes with it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folders_foreign_objects_are_left_as_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let foreign = tmp.path().join(layout::object_path(
        "o-someoneelse",
        "999988887777",
        "eu-west-1",
        time::macros::datetime!(2026-01-02 00:05 UTC),
        "ABCDEFGHIJKLMNOP",
    ));
    std::fs::create_dir_all(foreign.parent().unwrap()).unwrap();
    std::fs::write(&foreign, b"not even gzip").unwrap();
    let emu = common::with(centry::emulator::Org::demo(), |c| {
        c.trail_dir = Some(tmp.path().to_path_buf());
        c.trail_bucket = Some("acme-trail".into());
    })
    .await;
    assert!(emu.deliver_trail() > 10, "the history is delivered");
    let ct = common::operator(&emu).cloudtrail(false);
    let trails = ct.describe_trails().send().await.unwrap();
    assert_eq!(trails.trail_list()[0].s3_bucket_name(), Some("acme-trail"));
    assert_eq!(std::fs::read(&foreign).unwrap(), b"not even gzip");
    let orgs: HashSet<String> = layout::list_objects(tmp.path())
        .into_iter()
        .map(|o| o.partition.org)
        .collect();
    assert_eq!(orgs.len(), 2, "{orgs:?}");
    emu.stop().await;
    assert!(foreign.exists(), "a folder given with --trail-dir is kept");
}
