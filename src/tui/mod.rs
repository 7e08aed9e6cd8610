//! The full-screen console: terminal setup, the event loop (drain the queue, update, render
//! once if anything changed), and the bridge to background work.

pub mod action;
pub mod admin;
pub mod app;
pub mod approvals;
pub mod chrome;
pub mod clipboard;
pub mod command;
pub mod demo;
pub mod dev;
pub mod effect;
pub mod event;
pub mod events;
pub mod format;
pub mod keymap;
pub mod logs;
pub mod overlay;
pub mod shared;
pub mod terminal;
pub mod theme;
pub mod tip;
pub mod view;
pub mod widgets;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::cli::GlobalArgs;
use crate::cli::context::target_args;
use crate::services::limiter::Limiter;
use crate::services::signin::{Flow, SignInTarget};
use crate::services::{Endpoint, Services, local_store, targets};
use app::App;
use effect::{Effect, RunContext, Runner};
use event::Event;
use keymap::Keymap;
use shared::Session;
use terminal::TerminalGuard;

/// How the console was started.
#[derive(Debug, Clone, Default)]
pub struct ConsoleOptions {
    /// Force a flow.
    pub flow: Option<Flow>,
    /// Do not open a browser.
    pub no_browser: bool,
    /// A snapshot file the admin diff compares with.
    pub baseline: Option<std::path::PathBuf>,
}

/// Read the snapshot the admin diff should compare with, named by its file.
fn load_baseline(
    path: &std::path::Path,
) -> anyhow::Result<(crate::model::snapshot::Snapshot, String)> {
    let text = crate::fsutil::read_text_limited(path, crate::fsutil::FileKind::Snapshot)
        .map_err(|e| anyhow::anyhow!("--baseline: cannot read {}: {e}", path.display()))?;
    let snap = crate::model::snapshot::Snapshot::parse(&text)
        .map_err(|e| anyhow::anyhow!("--baseline {}: {e}", path.display()))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((snap, name))
}

pub use demo::DEMO_USER;

fn load_keymap() -> Result<Keymap, String> {
    let user = match crate::paths::config_dir().map(|d| d.join("keymap.toml")) {
        None => None,
        Some(p) => match crate::fsutil::read_text_limited(&p, crate::fsutil::FileKind::Config) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.to_string()),
        },
    };
    Keymap::load(user.as_deref())
}

/// Run the console.
pub async fn run(global: GlobalArgs, demo: bool, opts: ConsoleOptions) -> anyhow::Result<i32> {
    let mut global = global;
    let mut running: Option<demo::Demo> = None;
    let mut demo_dir: Option<std::path::PathBuf> = None;
    if demo {
        let found = demo::start_or_join(demo::registry_path()).await?;
        let dir = demo::sandbox_dir(&std::env::temp_dir());
        crate::paths::sandbox(dir.clone());
        demo_dir = Some(dir);
        let at = found.endpoint();
        global.endpoint_url = Some(at.endpoint);
        global.start_url = Some(at.start_url);
        global.sso_region = Some(at.region);
        global.sso_session = Some("centry-demo".into());
        running = Some(found);
    }
    let joined = match &running {
        Some(demo::Demo::Joined(found)) => Some(found.pid),
        _ => None,
    };
    let result = run_console(&global, demo, joined, opts).await;
    if let Some(d) = running {
        d.finish().await;
    }
    if let Some(dir) = demo_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

async fn run_console(
    global: &GlobalArgs,
    demo: bool,
    joined: Option<u32>,
    opts: ConsoleOptions,
) -> anyhow::Result<i32> {
    let keymap =
        load_keymap().map_err(|e| anyhow::anyhow!("{e} (fix or remove your keymap.toml)"))?;
    let (targets, target_error) = match targets::resolve(&target_args(global)) {
        Ok(t) => (t, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    if let Some(e) = target_error {
        anyhow::bail!("{e}");
    }
    let target: Option<SignInTarget> = if targets.len() == 1 {
        targets.first().cloned()
    } else {
        None
    };
    let region = target
        .as_ref()
        .map(|t| t.region.clone())
        .unwrap_or_else(|| "us-east-1".into());
    let svc = Services::new(Endpoint {
        url: global.endpoint_url.clone(),
        sso_region: region,
        region: global.region.clone(),
    });
    let (prefs, prefs_error) = match local_store::load_prefs() {
        Ok(p) => (p, None),
        Err(e) => (Default::default(), Some(e.to_string())),
    };
    let baseline = opts.baseline.as_deref().map(load_baseline).transpose()?;
    let settings = crate::services::settings::Settings::load()
        .map_err(|e| anyhow::anyhow!("{e} (fix it in centry's config.toml)"))?;
    let session = Session {
        targets,
        target,
        emulator: global.endpoint_url.is_some(),
        endpoint_url: global.endpoint_url.clone(),
        demo,
        read_only: global.read_only,
        settings,
        ..Default::default()
    };
    let open_browser = !opts.no_browser;
    let mut app = App::new(
        session,
        prefs,
        keymap,
        theme::Theme::from_env(),
        if demo && opts.flow.is_none() {
            Some(Flow::DeviceCode)
        } else {
            opts.flow
        },
        open_browser,
    );
    if baseline.is_some() {
        app.views.admin.baseline = baseline;
    }
    if let Some(pid) = joined {
        app.sh.flash(widgets::Flash::info(format!(
            "joined the demo running in another terminal (process {pid})"
        )));
    }
    if let Some(e) = prefs_error {
        app.sh
            .flash(widgets::Flash::warn(format!("preferences: {e}")));
    }

    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let mut runner = Runner::new(RunContext {
        svc,
        limiter: Arc::new(Limiter::identity_center()),
        tx: tx.clone(),
    });
    let log_tx = tx.clone();
    crate::logging::forward_to(move |line| {
        let _ = log_tx.send(Event::Done(action::Action::Log(line)));
    });
    let mut guard = TerminalGuard::new()?;
    let input = event::spawn_input(tx.clone());
    let ticks = event::spawn_ticks(tx.clone(), Duration::from_millis(250));
    let signals = event::spawn_signals(tx.clone());
    for e in app.start() {
        execute(&mut guard, &input, &mut runner, e);
    }
    guard.term.draw(|f| app.render(f))?;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        for ev in batch {
            for action in app.translate(ev) {
                for e in app.update(action) {
                    execute(&mut guard, &input, &mut runner, e);
                }
            }
        }
        if app.should_quit() {
            break;
        }
        if app.take_dirty() {
            guard.term.draw(|f| app.render(f))?;
        }
    }
    crate::logging::stop_forwarding();
    input.abort();
    ticks.abort();
    signals.abort();
    drop(guard);
    Ok(0)
}

fn execute(guard: &mut TerminalGuard, input: &event::Input, runner: &mut Runner, effect: Effect) {
    match effect {
        Effect::Copy(clip) => {
            let surroundings = clipboard::Surroundings::detect();
            let flash = clipboard::copy(&clip, &surroundings, &mut std::io::stdout());
            runner.cx.send(action::Action::Flash(flash));
        }
        Effect::OpenUrl(url) => {
            tokio::task::spawn_blocking(move || {
                let _ = webbrowser::open(&url);
            });
        }
        Effect::RunInTerminal { argv, env, banner } => {
            // The child owns the keyboard until it exits.
            input.pause();
            let _ = guard.suspend(|| {
                println!("{banner}");
                let status = std::process::Command::new(&argv[0])
                    .args(&argv[1..])
                    .env_remove("AWS_PROFILE")
                    .envs(env)
                    .status();
                if let Err(e) = status {
                    eprintln!("centry: cannot run {}: {e}", argv[0]);
                    std::thread::sleep(Duration::from_secs(2));
                }
            });
            input.resume();
        }
        other => runner.run(other),
    }
}
