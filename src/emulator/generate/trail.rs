//! A generated organisation trail (`--generate …,trail-days=N,trail-events=M`): M records over
//! the N days before today, across every account and three regions, delivered in CloudTrail's
//! S3 layout. About a third is people: Identity Center sign-ins in the current format (with
//! failure chains and MFA changes), the portal's GetRoleCredentials naming account and role,
//! then that role session's calls in the member account (`AssumedRole`,
//! `AWSReservedSSO_<PermissionSet>_<16 hex>/<user name>`; reads, writes, console sign-ins,
//! AccessDenied; some identity-enhanced with `onBehalfOf`). The rest is service traffic.
//!
//! Deterministic: each day draws from its own generator seeded by (seed, day), so days are
//! built in parallel and the same spec on the same date writes the same records. Records are
//! written as text, not through a JSON tree, to make millions a minute.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Duration, OffsetDateTime, Time};

use crate::emulator::caller::reserved_role_suffix;
use crate::emulator::org::Org;
use crate::emulator::trail::{delivery_time, write_object};

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Records.
    pub records: u64,
    /// Objects.
    pub objects: u64,
    /// Bytes on disk.
    pub bytes: u64,
}

/// The regions records fall in (the instance's first).
fn regions(org: &Org) -> Vec<String> {
    let mut r = vec![org.instance.region.clone()];
    for extra in ["us-east-1", "eu-west-1", "ap-southeast-2"] {
        if !r.iter().any(|x| x == extra) && r.len() < 3 {
            r.push(extra.to_string());
        }
    }
    r
}

/// Everything a day's generator reads from the organisation.
struct Ctx<'a> {
    org: &'a Org,
    regions: Vec<String>,
    roles: Vec<(String, String)>,
    store_arn: String,
}

/// One day's records, by (account index, region index, delivery time).
type Batches = BTreeMap<(usize, usize, i64), Vec<String>>;

fn iso(t: i64) -> String {
    let d = OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .to_string()
}

/// The fields of one record besides its identity and extras.
struct Rec<'a> {
    t: i64,
    source: &'a str,
    name: &'a str,
    account: usize,
    region: usize,
    ip: &'a str,
    agent: &'a str,
    identity: &'a str,
    read_only: bool,
    service_event: bool,
    extra: &'a str,
}

impl Ctx<'_> {
    fn push(&self, out: &mut Batches, rng: &mut StdRng, r: Rec) {
        let account = &self.org.accounts[r.account].id;
        let mut s = String::with_capacity(640);
        let _ = write!(
            s,
            r#"{{"eventVersion":"1.11","userIdentity":{},"eventTime":"{}","eventSource":"{}","eventName":"{}","awsRegion":"{}","sourceIPAddress":"{}","userAgent":"{}","requestID":"{}","eventID":"{}","readOnly":{},"eventType":"{}","managementEvent":true,"recipientAccountId":"{}","eventCategory":"Management"{}}}"#,
            r.identity,
            iso(r.t),
            r.source,
            r.name,
            self.regions[r.region],
            r.ip,
            r.agent,
            uuid(rng),
            uuid(rng),
            r.read_only,
            if r.service_event {
                "AwsServiceEvent"
            } else {
                "AwsApiCall"
            },
            account,
            r.extra
        );
        let at = OffsetDateTime::from_unix_timestamp(r.t).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let key = (r.account, r.region, delivery_time(at).unix_timestamp());
        out.entry(key).or_default().push(s);
    }

    fn mgmt(&self) -> usize {
        self.org
            .accounts
            .iter()
            .position(|a| a.id == self.org.organization.management_account_id)
            .unwrap_or(0)
    }

    /// One person's session starting at `t`: sign-in chain, then (when it succeeds) the portal
    /// and the role session's calls. Returns how many records it made.
    fn session(&self, out: &mut Batches, rng: &mut StdRng, t: i64) -> usize {
        let org = self.org;
        let u = rng.random_range(0..org.users.len());
        let user = &org.users[u];
        let mgmt = self.mgmt();
        let ip = format!(
            "198.51.{}.{}",
            u % 200,
            1 + rng.random_range(0..3u8) + (u % 50) as u8
        );
        let agent =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0.0.0 Safari/537.36";
        let flow = uuid(rng);
        let unknown = format!(
            r#"{{"type":"Unknown","accountId":"{}"}}"#,
            org.accounts[mgmt].id
        );
        let cred = uuid(rng);
        let person = format!(
            r#"{{"type":"IdentityCenterUser","accountId":"{}","onBehalfOf":{{"userId":"{}","identityStoreArn":"{}"}},"credentialId":"{}"}}"#,
            org.accounts[mgmt].id, user.id, self.store_arn, cred
        );
        let failed = rng.random_bool(0.08);
        let mut n = 0;
        let step = |out: &mut Batches,
                    rng: &mut StdRng,
                    dt: i64,
                    name: &str,
                    ok: bool,
                    who: &str,
                    extra: &str| {
            let details = format!(
                r#","additionalEventData":{{"AuthWorkflowID":"{flow}","CredentialType":"PASSWORD"{extra}}},"serviceEventDetails":{{"{name}":"{}"}}"#,
                if ok { "Success" } else { "Failure" }
            );
            self.push(
                out,
                rng,
                Rec {
                    t: t + dt,
                    source: "signin.amazonaws.com",
                    name,
                    account: mgmt,
                    region: 0,
                    ip: &ip,
                    agent,
                    identity: who,
                    read_only: false,
                    service_event: true,
                    extra: &details,
                },
            );
        };
        let typed = format!(r#","UserName":"{}""#, user.user_name);
        step(out, rng, 0, "CredentialChallenge", true, &unknown, &typed);
        n += 1;
        if failed {
            for k in 0..rng.random_range(1..4) {
                step(
                    out,
                    rng,
                    3 + 5 * k,
                    "CredentialVerification",
                    false,
                    &unknown,
                    "",
                );
                n += 1;
            }
            return n;
        }
        step(out, rng, 3, "CredentialVerification", true, &unknown, "");
        step(
            out,
            rng,
            6,
            "UserAuthentication",
            true,
            &person,
            &format!(r#","LoginTo":"{}""#, org.instance.start_url),
        );
        n += 2;
        self.push(
            out,
            rng,
            Rec {
                t: t + 7,
                source: "sso.amazonaws.com",
                name: "Authenticate",
                account: mgmt,
                region: 0,
                ip: &ip,
                agent,
                identity: &person,
                read_only: false,
                service_event: false,
                extra: "",
            },
        );
        n += 1;
        if rng.random_bool(0.03) {
            self.push(
                out,
                rng,
                Rec {
                    t: t + 20,
                    source: "sso-directory.amazonaws.com",
                    name: "CreateMfaDeviceForUser",
                    account: mgmt,
                    region: 0,
                    ip: &ip,
                    agent,
                    identity: &person,
                    read_only: false,
                    service_event: false,
                    extra: "",
                },
            );
            n += 1;
        }
        let a = rng.random_range(0..org.accounts.len());
        let (ps, suffix) = &self.roles[rng.random_range(0..self.roles.len())];
        let role = format!("AWSReservedSSO_{ps}_{suffix}");
        let account = &org.accounts[a].id;
        let details =
            format!(r#","serviceEventDetails":{{"account_id":"{account}","role_name":"{ps}"}}"#);
        self.push(
            out,
            rng,
            Rec {
                t: t + 30,
                source: "sso.amazonaws.com",
                name: "GetRoleCredentials",
                account: mgmt,
                region: 0,
                ip: &ip,
                agent,
                identity: &person,
                read_only: true,
                service_event: false,
                extra: &details,
            },
        );
        n += 1;
        let akid = format!("ASIA{:016X}", rng.random::<u64>());
        let enhanced = if rng.random_bool(0.1) {
            format!(
                r#","onBehalfOf":{{"userId":"{}","identityStoreArn":"{}"}}"#,
                user.id, self.store_arn
            )
        } else {
            String::new()
        };
        let identity = format!(
            r#"{{"type":"AssumedRole","principalId":"AROA{}:{name}","arn":"arn:aws:sts::{account}:assumed-role/{role}/{name}","accountId":"{account}","accessKeyId":"{akid}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROA{}","arn":"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/{role}","accountId":"{account}","userName":"{role}"}},"attributes":{{"creationDate":"{}","mfaAuthenticated":"false"}}}}{enhanced}}}"#,
            suffix.to_uppercase(),
            suffix.to_uppercase(),
            iso(t + 30),
            name = user.user_name,
        );
        const CALLS: [(&str, &str, bool); 8] = [
            ("s3.amazonaws.com", "ListBuckets", true),
            ("ec2.amazonaws.com", "DescribeInstances", true),
            ("iam.amazonaws.com", "GetRole", true),
            ("cloudtrail.amazonaws.com", "LookupEvents", true),
            ("s3.amazonaws.com", "PutObject", false),
            ("ec2.amazonaws.com", "RunInstances", false),
            ("iam.amazonaws.com", "AttachRolePolicy", false),
            ("signin.amazonaws.com", "ConsoleLogin", false),
        ];
        let region = rng.random_range(0..self.regions.len());
        for k in 0..rng.random_range(2..12) {
            let (source, call, ro) = CALLS[rng.random_range(0..CALLS.len())];
            let extra = if call == "ConsoleLogin" {
                r#","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No","LoginTo":"https://console.aws.amazon.com/"}"#.to_string()
            } else if !ro && rng.random_bool(0.15) {
                format!(
                    r#","errorCode":"AccessDenied","errorMessage":"User: arn:aws:sts::{account}:assumed-role/{role}/{} is not authorized to perform: {call}""#,
                    user.user_name
                )
            } else {
                r#","requestParameters":{"maxResults":100}"#.to_string()
            };
            self.push(
                out,
                rng,
                Rec {
                    t: t + 60 + 40 * k,
                    source,
                    name: call,
                    account: a,
                    region,
                    ip: &ip,
                    agent,
                    identity: &identity,
                    read_only: ro,
                    service_event: false,
                    extra: &extra,
                },
            );
            n += 1;
        }
        n
    }

    /// One record of service traffic nobody signed in for.
    fn noise(&self, out: &mut Batches, rng: &mut StdRng, t: i64) {
        const EVENTS: [(&str, &str, bool); 6] = [
            ("kms.amazonaws.com", "Decrypt", true),
            ("sts.amazonaws.com", "AssumeRole", true),
            ("s3.amazonaws.com", "GetBucketAcl", true),
            ("ec2.amazonaws.com", "DescribeSnapshots", true),
            ("lambda.amazonaws.com", "Invoke", false),
            ("logs.amazonaws.com", "CreateLogStream", false),
        ];
        let (source, name, ro) = EVENTS[rng.random_range(0..EVENTS.len())];
        // Traffic is skewed as in real organisations: a few busy accounts, the home region.
        let a = ((rng.random::<f64>().powi(3)) * self.org.accounts.len() as f64) as usize;
        let region = if rng.random_bool(0.8) {
            0
        } else {
            rng.random_range(0..self.regions.len())
        };
        let invoker = source
            .replace("amazonaws.com", "")
            .trim_end_matches('.')
            .to_string();
        let identity = format!(r#"{{"type":"AWSService","invokedBy":"{invoker}.amazonaws.com"}}"#);
        self.push(
            out,
            rng,
            Rec {
                t,
                source,
                name,
                account: a,
                region,
                ip: "AWS Internal",
                agent: "AWS Internal",
                identity: &identity,
                read_only: ro,
                service_event: false,
                extra: "",
            },
        );
    }

    /// One day's records (`budget` of them) starting at `day` (midnight UTC).
    fn day(&self, rng: &mut StdRng, day: i64, budget: u64) -> Batches {
        let mut out = Batches::new();
        let people = budget / 3;
        let mut made = 0u64;
        while made < people {
            let t = day + rng.random_range(7 * 3600..20 * 3600);
            made += self.session(&mut out, rng, t) as u64;
        }
        while made < budget {
            let t = day + rng.random_range(0..86_400);
            self.noise(&mut out, rng, t);
            made += 1;
        }
        out
    }
}

/// Write a trail of `events` records over the `days` days before today into `root`.
pub fn write(
    org: &Org,
    days: u32,
    events: u64,
    seed: u64,
    root: &Path,
) -> std::io::Result<Written> {
    if days == 0 || events == 0 || org.users.is_empty() || org.accounts.is_empty() {
        return Ok(Written::default());
    }
    let ctx = Ctx {
        org,
        regions: regions(org),
        roles: org
            .permission_sets
            .iter()
            .map(|p| (p.name.clone(), reserved_role_suffix(&p.id)))
            .collect(),
        store_arn: format!(
            "arn:aws:identitystore::{}:identitystore/{}",
            org.instance.owner_account_id, org.instance.identity_store_id
        ),
    };
    let today = OffsetDateTime::now_utc().replace_time(Time::MIDNIGHT);
    let per_day = events / u64::from(days);
    let lanes = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(days as usize);
    let results: Vec<std::io::Result<Written>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..lanes)
            .map(|lane| {
                let ctx = &ctx;
                s.spawn(move || {
                    let mut w = Written::default();
                    for d in (lane..days as usize).step_by(lanes) {
                        let start = today - Duration::days(i64::from(days) - d as i64);
                        let budget = if d + 1 == days as usize {
                            events - per_day * (u64::from(days) - 1)
                        } else {
                            per_day
                        };
                        let mut rng = StdRng::seed_from_u64(
                            seed ^ (d as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                        );
                        let batches = ctx.day(&mut rng, start.unix_timestamp(), budget);
                        for ((a, r, delivered), records) in &batches {
                            let texts: Vec<&str> = records.iter().map(String::as_str).collect();
                            let at =
                                OffsetDateTime::from_unix_timestamp(*delivered).unwrap_or(start);
                            w.bytes += write_object(
                                root,
                                &org.organization.id,
                                &org.accounts[*a].id,
                                &ctx.regions[*r],
                                at,
                                &texts,
                                &mut rng,
                            )?;
                            w.objects += 1;
                            w.records += records.len() as u64;
                        }
                    }
                    Ok(w)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("a generator thread panicked")))
            })
            .collect()
    });
    let mut total = Written::default();
    for r in results {
        let w = r?;
        total.records += w.records;
        total.objects += w.objects;
        total.bytes += w.bytes;
    }
    Ok(total)
}
