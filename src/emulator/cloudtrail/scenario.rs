//! Plausible activity of one person, shared by the start-up history and the demo generator: a
//! browser sign-in followed by portal use (accounts, roles, role credentials, applications), a
//! CLI sign-in (`CreateToken` from the AWS CLI), failed passwords and MFA codes with a retry, a
//! name nobody has, a sign-in from a new network, and MFA device changes. Each person has a
//! usual address (`homeIp` in the seed) and a usual browser, so the odd one out stands out.

use rand::Rng;
use time::{Duration, OffsetDateTime};

use super::records::uuid;
use crate::emulator::activity::{Activity, Origin, SignInOutcome};
use crate::emulator::state::State;

/// Browsers people use, as their user agents read.
const BROWSERS: [&str; 6] = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
];

/// Command-line tools people sign in with.
const CLIS: [&str; 3] = [
    "aws-cli/2.22.20 md/awscrt#0.23.4 ua/2.0 os/macos#24.2.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#sso.login",
    "aws-cli/2.21.3 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-49-generic md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#sso.login",
    "aws-toolkit-vscode/3.38.0 vscode/1.96.2 ClientId/4c5d1a8e-5b44-4c8e-9d1b-0f7b9ee3a2d1 aws-sdk-js/3.699.0 ua/2.1 os/darwin#24.2.0 lang/js md/nodejs#20.18.1 api/sso-oidc#3.699.0",
];

/// What kind of session to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Browser sign-in and portal use.
    SignIn,
    /// Sign-in for the AWS CLI (device code), then role credentials from the CLI.
    CliLogin,
    /// A wrong password, usually followed by a good one.
    BadPassword,
    /// A user name nobody has.
    UnknownUser,
    /// A wrong MFA code, usually followed by a good one.
    BadMfa,
    /// A sign-in from a network the person has not used.
    NewIp,
    /// The person registers, renames or removes an MFA device.
    MfaDevice,
}

/// A kind, with the mix of a working day.
pub fn pick_kind(rng: &mut impl Rng) -> Kind {
    match rng.random_range(0..100) {
        0..50 => Kind::SignIn,
        50..72 => Kind::CliLogin,
        72..82 => Kind::BadPassword,
        82..85 => Kind::UnknownUser,
        85..90 => Kind::BadMfa,
        90..95 => Kind::NewIp,
        _ => Kind::MfaDevice,
    }
}

fn stable(user_id: &str, salt: u8) -> usize {
    use sha1::Digest;
    let h = sha1::Sha1::digest(user_id.as_bytes());
    h[usize::from(salt) % h.len()] as usize
}

/// A person's usual address and browser.
fn home(st: &State, user: usize) -> Origin {
    let u = &st.org.users[user];
    Origin {
        ip: u
            .home_ip
            .clone()
            .unwrap_or_else(|| format!("192.0.2.{}", 1 + stable(&u.id, 3) % 250)),
        user_agent: BROWSERS[stable(&u.id, 5) % BROWSERS.len()].to_string(),
    }
}

/// A person's command-line tool.
fn cli(st: &State, user: usize) -> &'static str {
    CLIS[stable(&st.org.users[user].id, 7) % CLIS.len()]
}

/// Random text from `rng` (credential ids, client ids).
fn text(rng: &mut impl Rng, n: usize) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect()
}

/// The people who can sign in.
pub fn active_users(st: &State) -> Vec<usize> {
    (0..st.org.users.len())
        .filter(|&i| st.org.users[i].status == "ENABLED")
        .collect()
}

struct Builder<'a, R> {
    st: &'a mut State,
    rng: &'a mut R,
    user: usize,
    out: Vec<(OffsetDateTime, Activity)>,
}

impl<R: Rng> Builder<'_, R> {
    fn sign_in(&mut self, at: OffsetDateTime, origin: &Origin, outcome: SignInOutcome) -> String {
        let credential = text(self.rng, 32);
        let u = &self.st.org.users[self.user];
        let (user, typed) = match outcome {
            SignInOutcome::UnknownUser => (None, u.given_name.to_lowercase()),
            _ => (Some(self.user), u.user_name.clone()),
        };
        self.out.push((
            at,
            Activity::SignIn {
                user,
                typed_user_name: typed,
                origin: origin.clone(),
                outcome,
                credential_id: (outcome == SignInOutcome::Success).then(|| credential.clone()),
                auth_workflow_id: uuid(self.rng),
            },
        ));
        credential
    }

    fn portal(
        &mut self,
        at: OffsetDateTime,
        o: &Origin,
        c: &str,
        name: &str,
        target: (Option<String>, Option<String>),
    ) {
        self.out.push((
            at,
            Activity::Portal {
                user: self.user,
                credential_id: c.to_string(),
                origin: o.clone(),
                event_name: name.to_string(),
                account_id: target.0,
                role_name: target.1,
                error: None,
            },
        ));
    }

    /// Portal use after a sign-in: accounts, roles of one or two, credentials for one.
    fn browse(
        &mut self,
        mut at: OffsetDateTime,
        o: &Origin,
        c: &str,
        apps: bool,
    ) -> OffsetDateTime {
        let reach = self.st.reach(self.user);
        at += Duration::seconds(2);
        self.portal(at, o, c, "ListAccounts", (None, None));
        if apps || self.rng.random_bool(0.3) {
            self.portal(at, o, c, "ListApplications", (None, None));
        }
        let accounts: Vec<(&String, &std::collections::BTreeSet<usize>)> = reach.iter().collect();
        if accounts.is_empty() {
            return at;
        }
        let looked = self.rng.random_range(1..=accounts.len().min(2));
        let mut picked = None;
        for _ in 0..looked {
            let (acct, psets) = accounts[self.rng.random_range(0..accounts.len())];
            at += Duration::seconds(self.rng.random_range(1..6));
            self.portal(at, o, c, "ListAccountRoles", (Some(acct.clone()), None));
            let pset = *psets
                .iter()
                .nth(self.rng.random_range(0..psets.len()))
                .unwrap_or(&0);
            picked = Some((acct.clone(), self.st.org.permission_sets[pset].name.clone()));
        }
        if let Some((acct, role)) = picked.filter(|_| self.rng.random_bool(0.7)) {
            at += Duration::seconds(self.rng.random_range(3..20));
            self.portal(at, o, c, "GetRoleCredentials", (Some(acct), Some(role)));
        }
        at
    }

    fn cli_login(&mut self, at: OffsetDateTime, browser: &Origin) -> OffsetDateTime {
        let c = self.sign_in(at, browser, SignInOutcome::Success);
        let tool = Origin {
            ip: browser.ip.clone(),
            user_agent: cli(self.st, self.user).to_string(),
        };
        let at = at + Duration::seconds(self.rng.random_range(2..5));
        self.out.push((
            at,
            Activity::CreateToken {
                user: Some(self.user),
                client_id: text(self.rng, 22),
                grant_type: "urn:ietf:params:oauth:grant-type:device_code".into(),
                origin: tool.clone(),
                error: None,
                credential_id: Some(c.clone()),
            },
        ));
        self.browse(at, &tool, &c, false)
    }

    fn mfa_change(&mut self, at: OffsetDateTime, o: &Origin) {
        let c = self.sign_in(at, o, SignInOutcome::Success);
        let device = if self.rng.random_bool(0.6) {
            "WEBAUTHN"
        } else {
            "TOTP"
        };
        let ops: &[&str] = match (self.rng.random_range(0..4), device) {
            (0, _) => &["ListMfaDevicesForUser", "DeleteMfaDeviceForUser"],
            (1, _) => &["ListMfaDevicesForUser", "UpdateMfaDeviceForUser"],
            (_, "WEBAUTHN") => &[
                "ListMfaDevicesForUser",
                "StartWebAuthnDeviceRegistration",
                "CompleteWebAuthnDeviceRegistration",
            ],
            _ => &[
                "ListMfaDevicesForUser",
                "StartVirtualMfaDeviceRegistration",
                "CompleteVirtualMfaDeviceRegistration",
            ],
        };
        let mut t = at;
        for op in ops {
            t += Duration::seconds(self.rng.random_range(4..30));
            self.out.push((
                t,
                Activity::MfaDevice {
                    user: self.user,
                    credential_id: c.clone(),
                    origin: o.clone(),
                    event_name: op.to_string(),
                    device_type: device.to_string(),
                    error: None,
                },
            ));
        }
    }
}

/// One session of `kind` for `user` starting at `t0`; with `logout` a browser session may end
/// with Logout within the hour. Activities come back in time order.
pub fn session(
    st: &mut State,
    rng: &mut impl Rng,
    user: usize,
    kind: Kind,
    t0: OffsetDateTime,
    logout: bool,
) -> Vec<(OffsetDateTime, Activity)> {
    let home = home(st, user);
    let mut b = Builder {
        st,
        rng,
        user,
        out: Vec::new(),
    };
    let end = match kind {
        Kind::SignIn | Kind::NewIp => {
            let origin = if kind == Kind::NewIp {
                Origin {
                    ip: format!(
                        "198.18.{}.{}",
                        b.rng.random_range(0..255),
                        b.rng.random_range(1..255)
                    ),
                    user_agent: home.user_agent.clone(),
                }
            } else {
                home.clone()
            };
            let c = b.sign_in(t0, &origin, SignInOutcome::Success);
            let at = b.browse(t0, &origin, &c, false);
            Some((at, origin, c))
        }
        Kind::CliLogin => {
            b.cli_login(t0, &home);
            None
        }
        Kind::BadPassword | Kind::BadMfa => {
            let outcome = if kind == Kind::BadPassword {
                SignInOutcome::BadPassword
            } else {
                SignInOutcome::BadMfa
            };
            b.sign_in(t0, &home, outcome);
            let retry = b
                .rng
                .random_bool(0.75)
                .then_some(t0 + Duration::seconds(25));
            match retry {
                Some(at) => {
                    let c = b.sign_in(at, &home, SignInOutcome::Success);
                    let at = b.browse(at, &home, &c, false);
                    Some((at, home.clone(), c))
                }
                None => None,
            }
        }
        Kind::UnknownUser => {
            b.sign_in(t0, &home, SignInOutcome::UnknownUser);
            None
        }
        Kind::MfaDevice => {
            b.mfa_change(t0, &home);
            None
        }
    };
    if let Some((at, origin, c)) = end
        && logout
        && b.rng.random_bool(0.2)
    {
        let at = at + Duration::minutes(b.rng.random_range(10..60));
        b.portal(at, &origin, &c, "Logout", (None, None));
    }
    let mut out = b.out;
    out.sort_by_key(|(t, _)| *t);
    out
}
