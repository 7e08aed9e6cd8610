//! `centry apps` and `centry q profiles`: applications from the access portal and Amazon Q
//! Developer profiles across the Q regions.

use clap::Subcommand;
use serde::Serialize;

use super::GlobalArgs;
use super::context::DevContext;
use super::output::{Format, Row, print_rows};
use crate::model::apps::{AppInstance, QProfile};
use crate::model::text::sanitize;
use crate::services::{apps, qdev};

#[derive(Serialize)]
#[serde(transparent)]
struct AppRow(AppInstance);

impl Row for AppRow {
    fn headers() -> Vec<&'static str> {
        vec!["NAME", "KIND", "OPEN WITH"]
    }
    fn cells(&self) -> Vec<String> {
        let open = self
            .0
            .profiles
            .as_ref()
            .map(|p| {
                p.iter()
                    .map(|x| format!("{} {}", x.name, x.url))
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        vec![self.0.name.clone(), self.0.application_name.clone(), open]
    }
}

/// Run `centry apps`.
pub async fn apps(global: &GlobalArgs) -> anyhow::Result<i32> {
    let ctx = DevContext::resolve(global)?;
    let token = ctx.token().await?;
    let mut list = apps::list_app_instances(&ctx.svc, &token)
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "the access portal refused to list applications: {e} — {}",
                e.hint()
            )
        })?;
    for a in &mut list {
        match apps::list_app_profiles(&ctx.svc, &token, &a.id).await {
            Ok(p) => a.profiles = Some(p),
            Err(e) => eprintln!("{}: {}", sanitize(&a.name), sanitize(&e.to_string())),
        }
    }
    list.sort_by(|a, b| a.name.cmp(&b.name));
    let rows: Vec<AppRow> = list.into_iter().map(AppRow).collect();
    print_rows(
        &mut std::io::stdout().lock(),
        Format::from_flags(global.json, global.csv),
        &rows,
    )?;
    Ok(0)
}

/// `centry q …`.
#[derive(Debug, Subcommand)]
pub enum QCommand {
    /// Amazon Q Developer profiles in every Q region, with their customizations.
    Profiles,
}

#[derive(Serialize)]
#[serde(transparent)]
struct QRow(QProfile);

impl Row for QRow {
    fn headers() -> Vec<&'static str> {
        vec!["NAME", "REGION", "STATUS", "CUSTOMIZATIONS", "ARN"]
    }
    fn cells(&self) -> Vec<String> {
        let c = self
            .0
            .customizations
            .as_ref()
            .map(|c| {
                c.iter()
                    .map(|x| x.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        vec![
            self.0.name.clone(),
            self.0.region.clone(),
            self.0.status.clone().unwrap_or_default(),
            c,
            self.0.arn.clone(),
        ]
    }
}

/// Run `centry q profiles`.
pub async fn q(global: &GlobalArgs, cmd: QCommand) -> anyhow::Result<i32> {
    let QCommand::Profiles = cmd;
    let ctx = DevContext::resolve(global)?;
    let token = ctx.token().await?;
    let mut rows = Vec::new();
    let mut failures = 0;
    let results = qdev::list_profiles_everywhere(&ctx.svc, &token).await;
    let total = results.len();
    for (region, r) in results {
        match r {
            Ok(profiles) => {
                for mut p in profiles {
                    p.customizations = qdev::list_customizations(&ctx.svc, &token, &p.arn)
                        .await
                        .ok();
                    rows.push(QRow(p));
                }
            }
            Err(e) => {
                failures += 1;
                let why = if e.message.contains("not authorized") {
                    "this sign-in lacks the Q Developer scopes — run `centry login --force` to sign in with them".to_string()
                } else {
                    format!("{e}")
                };
                eprintln!("{}: {}", sanitize(&region), sanitize(&why));
            }
        }
    }
    print_rows(
        &mut std::io::stdout().lock(),
        Format::from_flags(global.json, global.csv),
        &rows,
    )?;
    if rows.is_empty() && failures == 0 {
        eprintln!(
            "No Amazon Q Developer profiles: you are not subscribed to Q Developer in any region."
        );
    }
    Ok(if failures == total { 1 } else { 0 })
}
