//! The full-screen console.

use crate::cli::GlobalArgs;

/// Run the console.
pub async fn run(_global: GlobalArgs, _demo: bool) -> anyhow::Result<i32> {
    anyhow::bail!("the full-screen console is not built yet")
}
