//! The `centry` binary: parse the command line, then run a subcommand or the full-screen
//! console. Nothing more lives here.

use clap::Parser;

fn main() {
    let cli = centry::cli::Cli::parse();
    let serving = matches!(cli.command, Some(centry::cli::Command::Emulator { .. }));
    if !serving {
        // `centry accounts | head` should end quietly, as other Unix tools do, instead of
        // reporting a broken pipe. (The emulator server keeps running if its reader goes.)
        restore_sigpipe();
    }
    let _log = centry::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("centry: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let code = runtime.block_on(async move {
        let result = match cli.command {
            Some(command) => centry::cli::run(cli.global, command).await,
            None => {
                let flow = if cli.device_code {
                    Some(centry::services::signin::Flow::DeviceCode)
                } else if cli.pkce {
                    Some(centry::services::signin::Flow::AuthCode)
                } else {
                    None
                };
                let opts = centry::tui::ConsoleOptions {
                    flow,
                    no_browser: cli.no_browser,
                    baseline: cli.baseline,
                };
                centry::cli::console(cli.global, cli.demo, opts).await
            }
        };
        match result {
            Ok(code) => code,
            Err(e) => {
                // Errors quote AWS and files: shown, never interpreted by the terminal.
                let text = centry::model::text::sanitize_lines(&format!("{e:#}"));
                eprintln!("centry: {text}");
                1
            }
        }
    });
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    std::process::exit(code);
}

#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: resetting a signal disposition to its default before any threads start.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
