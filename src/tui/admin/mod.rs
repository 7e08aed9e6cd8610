//! The administrator's console: the inventory of the Identity Center instance by account, by
//! person, by permission set and by application, drill-down pages with every grant's path
//! and access window, a permission set's detail, and the diff against a baseline snapshot.
//! This module holds the area's messages and effects and runs the effects as background
//! tasks under the shared Identity Center limiter; `view` is the screen.

pub mod detail;
mod export;
pub mod pages;
mod reader;
mod render;
pub mod table;
pub mod view;

use std::path::PathBuf;
use std::sync::Arc;

pub use view::AdminView;

use super::action::Action;
use super::effect::Runner;
use crate::model::credentials::RoleCredentials;
use crate::model::inventory::{InstanceInfo, Inventory};
use crate::model::permission_set::PermissionSetDetail;
use crate::services::ServiceError;
use crate::services::admin::{
    Admin, Progress, Report, cache, instances, inventory, permission_sets,
};

/// Results of admin work. Inventory messages carry the load's generation so that a
/// superseded load's last words are ignored.
#[derive(Debug)]
pub enum AdminMsg {
    /// The cached inventory (or why it could not be read).
    Cached(u64, Result<Option<Box<Inventory>>, String>),
    /// Several instances: the person chooses.
    Instances(u64, Vec<InstanceInfo>),
    /// Progress of the inventory.
    Progress(u64, Progress),
    /// The inventory (boxed: it is large), with the label of the credentials it was read with.
    Loaded {
        /// Which load.
        generation: u64,
        /// Credentials label.
        label: String,
        /// Outcome.
        result: Box<Result<Inventory, ServiceError>>,
    },
    /// A permission set's detail.
    Detail {
        /// Its ARN.
        arn: String,
        /// Outcome.
        result: Box<Result<PermissionSetDetail, ServiceError>>,
    },
    /// A file was written (export, snapshot): its path, or why not.
    Written(Result<String, String>),
}

/// Admin work to do.
#[derive(Debug)]
pub enum AdminEffect {
    /// Read the inventory (after showing the cached one when `with_cache`).
    Load {
        /// Which load (echoed in the messages).
        generation: u64,
        /// Credentials.
        creds: Box<RoleCredentials>,
        /// Their label.
        label: String,
        /// The instance chosen, when there are several.
        instance: Option<String>,
        /// Show the cached inventory first.
        with_cache: bool,
    },
    /// Stop reading the inventory.
    Cancel,
    /// Read a permission set's detail.
    Detail {
        /// Credentials.
        creds: Box<RoleCredentials>,
        /// Instance ARN.
        instance: String,
        /// Permission set ARN.
        arn: String,
    },
    /// Write a file in the current directory.
    Write {
        /// File name.
        name: String,
        /// Content.
        bytes: Vec<u8>,
    },
}

fn loaded(
    cx: &super::effect::RunContext,
    generation: u64,
    label: String,
    result: Result<Inventory, ServiceError>,
) {
    cx.send(Action::Admin(AdminMsg::Loaded {
        generation,
        label,
        result: Box::new(result),
    }));
}

/// Start an admin effect.
pub fn run(r: &mut Runner, effect: AdminEffect) {
    let cx = r.cx.clone();
    match effect {
        AdminEffect::Load {
            generation,
            creds,
            label,
            instance,
            with_cache,
        } => {
            let cancel = r.token("admin-inventory");
            tokio::spawn(async move {
                let endpoint = cx.svc.endpoint.clone();
                if with_cache {
                    let (url, region) = (endpoint.url.clone(), endpoint.sso_region.clone());
                    let cached = tokio::task::spawn_blocking(move || {
                        cache::load(url.as_deref(), &region)
                            .map(|o| o.map(Box::new))
                            .map_err(|e| e.to_string())
                    })
                    .await
                    .unwrap_or_else(|e| Err(e.to_string()));
                    cx.send(Action::Admin(AdminMsg::Cached(generation, cached)));
                }
                let tx = cx.clone();
                let report: Report =
                    Arc::new(move |p| tx.send(Action::Admin(AdminMsg::Progress(generation, p))));
                let admin = Admin::new(
                    &cx.svc.with_role_credentials(&creds),
                    cx.limiter.clone(),
                    cancel,
                )
                .with_report(report);
                let all = match instances::list_instances(&admin).await {
                    Ok(all) => all,
                    Err(e) => return loaded(&cx, generation, label, Err(e)),
                };
                if all.len() > 1 && instance.is_none() {
                    return cx.send(Action::Admin(AdminMsg::Instances(generation, all)));
                }
                let result = match instances::choose(&all, instance.as_deref()) {
                    Ok(inst) => inventory::full(&admin, &inst, Default::default()).await,
                    Err(e) => Err(e),
                };
                if let Ok(inv) = &result {
                    let saved = inv.clone();
                    tokio::task::spawn_blocking(move || {
                        if let Err(e) =
                            cache::save(endpoint.url.as_deref(), &endpoint.sso_region, &saved)
                        {
                            tracing::warn!("could not cache the inventory: {e}");
                        }
                    });
                }
                loaded(&cx, generation, label, result);
            });
        }
        AdminEffect::Cancel => r.cancel("admin-inventory"),
        AdminEffect::Detail {
            creds,
            instance,
            arn,
        } => {
            let cancel = r.token("admin-detail");
            tokio::spawn(async move {
                let admin = Admin::new(
                    &cx.svc.with_role_credentials(&creds),
                    cx.limiter.clone(),
                    cancel,
                );
                let result = permission_sets::detail(&admin, &instance, &arn).await;
                cx.send(Action::Admin(AdminMsg::Detail {
                    arn,
                    result: Box::new(result),
                }));
            });
        }
        AdminEffect::Write { name, bytes } => {
            tokio::task::spawn_blocking(move || {
                let result = std::env::current_dir()
                    .map_err(|e| format!("no current directory: {e}"))
                    .and_then(|dir| {
                        let path: PathBuf = dir.join(&name);
                        crate::fsutil::write_private(&path, &bytes)
                            .map(|()| path.display().to_string())
                            .map_err(|e| format!("{}: {e}", path.display()))
                    });
                cx.send(Action::Admin(AdminMsg::Written(result)));
            });
        }
    }
}
