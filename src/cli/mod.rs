//! The command line: global options shared by every command, the subcommands, and dispatch.
//! Every command prints a table on a terminal, or JSON lines / CSV with `--json` / `--csv`.

pub mod access;
pub mod admin;
pub mod approvals;
pub mod apps;
pub mod context;
pub mod emulator;
pub mod events;
pub mod output;
pub mod signin;
pub mod tip;

use clap::{Args, Parser, Subcommand};

/// centry: a terminal console for AWS IAM Identity Center.
#[derive(Debug, Parser)]
#[command(name = "centry", version, about, long_about = None)]
pub struct Cli {
    /// Options every command shares.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Run against the embedded emulator with a demo organisation (signs in by itself; started
    /// while one runs, joins that one).
    #[arg(long)]
    pub demo: bool,
    /// Sign in with a device code.
    #[arg(long, conflicts_with = "pkce")]
    pub device_code: bool,
    /// Sign in through the browser (authorization code + PKCE).
    #[arg(long)]
    pub pkce: bool,
    /// Never open a browser; show the URL instead.
    #[arg(long)]
    pub no_browser: bool,
    /// Compare the admin inventory with this snapshot (`centry admin snapshot`, or `S` in the
    /// console) on the admin screen's Diff view.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<std::path::PathBuf>,
    /// What to do (the full-screen console when absent).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every command shares.
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Send every AWS call here (the emulator, or a proxy).
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The `[sso-session NAME]` in ~/.aws/config to sign in with.
    #[arg(long, global = true, value_name = "NAME")]
    pub sso_session: Option<String>,
    /// The access portal start URL (instead of an sso-session).
    #[arg(long, global = true, value_name = "URL")]
    pub start_url: Option<String>,
    /// The Identity Center region (with --start-url).
    #[arg(long, global = true, value_name = "REGION")]
    pub sso_region: Option<String>,
    /// AWS profile with IAM credentials for the admin and events calls.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region for CloudTrail and approvals calls (default: the Identity Center region).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Print one JSON object per line.
    #[arg(long, global = true, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV.
    #[arg(long, global = true)]
    pub csv: bool,
    /// Hide every action that changes anything.
    #[arg(long, global = true)]
    pub read_only: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Identity Center emulator.
    Emulator {
        /// What to do with it.
        #[command(subcommand)]
        command: emulator::EmulatorCommand,
    },
    /// Sign in to Identity Center (shares the AWS CLI's token cache).
    Login(signin::LoginArgs),
    /// Sign out: revoke the session and remove the cached token.
    Logout,
    /// Who is signed in, to what, and for how long.
    Status,
    /// Accounts you can reach, with their roles.
    Accounts,
    /// Roles you can assume (in one account, or everywhere).
    Roles(access::RolesArgs),
    /// Credentials for a role (env, json, credential-process, ini).
    Creds(access::CredsArgs),
    /// Run a command (or your shell) with a role's credentials.
    Exec(access::ExecArgs),
    /// Open the AWS console as a role.
    Console(access::ConsoleArgs),
    /// Write AWS CLI profiles for your roles.
    Profiles {
        /// What to do.
        #[command(subcommand)]
        command: access::ProfilesCommand,
    },
    /// Applications in your access portal.
    Apps,
    /// Identity Center administration: assignments, effective access, snapshots (IAM credentials).
    Admin(admin::AdminArgs),
    /// Amazon Q Developer.
    Q {
        /// What to list.
        #[command(subcommand)]
        command: apps::QCommand,
    },
    /// Multi-party approval teams and their sessions (IAM credentials from the AWS chain).
    Approvals {
        /// What to list.
        #[command(subcommand)]
        command: approvals::ApprovalsCommand,
    },
    /// Identity Center's CloudTrail events: who signed in, from where, and what that session did.
    Events(events::EventsArgs),
    /// Trusted identity propagation: sign in with the company IdP, act as yourself in AWS.
    Tip {
        /// What to do.
        #[command(subcommand)]
        command: tip::TipCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print centry's man page (roff).
    Man,
}

/// Run a subcommand; returns the process exit code.
pub async fn run(global: GlobalArgs, command: Command) -> anyhow::Result<i32> {
    match command {
        Command::Emulator { command } => emulator::run(&global, command).await,
        Command::Login(args) => signin::login(&global, args).await,
        Command::Logout => signin::logout(&global).await,
        Command::Status => signin::status(&global).await,
        Command::Accounts => access::accounts(&global).await,
        Command::Roles(args) => access::roles(&global, args).await,
        Command::Creds(args) => access::creds(&global, args).await,
        Command::Exec(args) => access::exec(&global, args).await,
        Command::Console(args) => access::open_console(&global, args).await,
        Command::Profiles { command } => access::profiles(&global, command).await,
        Command::Apps => apps::apps(&global).await,
        Command::Q { command } => apps::q(&global, command).await,
        Command::Approvals { command } => approvals::run(&global, command).await,
        Command::Events(args) => events::run(&global, args).await,
        Command::Tip { command } => tip::run(&global, command).await,
        Command::Admin(args) => admin::run(&global, args).await,
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "centry", &mut std::io::stdout());
            Ok(0)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
            Ok(0)
        }
    }
}

/// The full-screen console (with `--demo`, on the embedded emulator).
pub async fn console(
    global: GlobalArgs,
    demo: bool,
    opts: crate::tui::ConsoleOptions,
) -> anyhow::Result<i32> {
    crate::tui::run(global, demo, opts).await
}
