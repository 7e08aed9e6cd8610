//! Putting text on the clipboard, honestly. Locally the system clipboard tool is used
//! (`wl-copy`, `xclip`, `xsel`, `pbcopy`); over SSH, or with no tool, the terminal is asked
//! with OSC 52 — through tmux only when tmux will pass it on. The flash says which way was
//! used, and when nothing can have been copied it says so and where to find the value.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::widgets::Flash;

/// Something to copy, what to call it, and where else to find it if it cannot be copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    /// The text.
    pub text: String,
    /// What it is, for the message ("the profile ARN").
    pub what: String,
    /// Where the value can be seen instead ("it is on screen").
    pub fallback: String,
}

impl Clip {
    /// A clip of `text` called `what`, shown on screen.
    pub fn new(what: impl Into<String>, text: impl Into<String>) -> Clip {
        Clip {
            text: text.into(),
            what: what.into(),
            fallback: "it is on screen".into(),
        }
    }

    /// Say where to find the value if it cannot be copied.
    pub fn or_see(mut self, fallback: impl Into<String>) -> Clip {
        self.fallback = fallback.into();
        self
    }
}

/// How tmux treats OSC 52 from programs inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TmuxClipboard {
    /// `set-clipboard on`: tmux takes it (and forwards it to the outer terminal).
    Accepts,
    /// `allow-passthrough on`: a wrapped sequence reaches the outer terminal.
    Passthrough,
    /// tmux drops it (the default `set-clipboard external`).
    Drops,
}

/// What centry knows about where it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surroundings {
    /// Over SSH (`SSH_TTY` / `SSH_CONNECTION`): local tools would copy on the wrong machine.
    pub ssh: bool,
    /// Inside tmux, and what it does with OSC 52.
    pub tmux: Option<TmuxClipboard>,
    /// Clipboard tools found on `PATH`, in order of preference, with their arguments.
    pub tools: Vec<(&'static str, &'static [&'static str])>,
}

/// A way to copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Run a clipboard tool with the text on its stdin.
    Tool(&'static str, &'static [&'static str]),
    /// Write OSC 52 to the terminal.
    Osc52 {
        /// Wrap in tmux's passthrough sequence.
        wrap: bool,
        /// tmux itself takes the sequence (so the copy happened at least in tmux).
        via_tmux: bool,
    },
    /// Nothing can copy: tmux drops OSC 52 and there is no tool.
    Nothing,
}

/// The routes to try, best first.
pub fn routes(s: &Surroundings) -> Vec<Route> {
    let mut out = Vec::new();
    if !s.ssh {
        out.extend(s.tools.iter().map(|(t, a)| Route::Tool(t, a)));
    }
    out.push(match s.tmux {
        None => Route::Osc52 {
            wrap: false,
            via_tmux: false,
        },
        Some(TmuxClipboard::Accepts) => Route::Osc52 {
            wrap: false,
            via_tmux: true,
        },
        Some(TmuxClipboard::Passthrough) => Route::Osc52 {
            wrap: true,
            via_tmux: false,
        },
        Some(TmuxClipboard::Drops) => Route::Nothing,
    });
    out
}

/// The clipboard tools centry knows, with the environment each needs.
const TOOLS: [(&str, &[&str], Option<&str>); 4] = [
    ("wl-copy", &[], Some("WAYLAND_DISPLAY")),
    ("xclip", &["-selection", "clipboard"], Some("DISPLAY")),
    ("xsel", &["--clipboard", "--input"], Some("DISPLAY")),
    ("pbcopy", &[], None),
];

fn on_path(name: &str, path: &str) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn tmux_option(name: &str) -> Option<String> {
    let out = Command::new("tmux")
        .args(["show-options", "-gv", name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Surroundings {
    /// Look at the environment (and ask tmux about its options when inside it).
    pub fn detect() -> Surroundings {
        let env = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        let path = std::env::var("PATH").unwrap_or_default();
        let tools = TOOLS
            .iter()
            .filter(|(_, _, needs)| needs.is_none_or(env))
            .filter(|(name, _, _)| on_path(name, &path).is_some())
            .map(|(name, args, _)| (*name, *args))
            .collect();
        let tmux = env("TMUX").then(|| {
            if tmux_option("set-clipboard").as_deref() == Some("on") {
                TmuxClipboard::Accepts
            } else if tmux_option("allow-passthrough").as_deref() == Some("on") {
                TmuxClipboard::Passthrough
            } else {
                TmuxClipboard::Drops
            }
        });
        Surroundings {
            ssh: env("SSH_TTY") || env("SSH_CONNECTION"),
            tmux,
            tools,
        }
    }
}

/// The OSC 52 sequence for `text`, wrapped for tmux passthrough when asked.
pub fn osc52(text: &str, wrap: bool) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let seq = format!("\x1b]52;c;{b64}\x07");
    if wrap {
        format!("\x1bPtmux;\x1b{seq}\x1b\\")
    } else {
        seq
    }
}

fn run_tool(tool: &str, args: &[&str], text: &str) -> bool {
    let child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    let wrote = child
        .stdin
        .take()
        .is_some_and(|mut i| i.write_all(text.as_bytes()).is_ok());
    child.wait().is_ok_and(|s| s.success()) && wrote
}

/// Copy `clip` by the first route that works, writing OSC 52 to `out`; the flash to show.
pub fn copy(clip: &Clip, s: &Surroundings, out: &mut impl Write) -> Flash {
    for route in routes(s) {
        match route {
            Route::Tool(tool, args) => {
                if run_tool(tool, args, &clip.text) {
                    return Flash::info(format!("copied {} to the clipboard ({tool})", clip.what));
                }
            }
            Route::Osc52 { wrap, via_tmux } => {
                let sent = out
                    .write_all(osc52(&clip.text, wrap).as_bytes())
                    .and_then(|_| out.flush())
                    .is_ok();
                if !sent {
                    break;
                }
                return Flash::info(if via_tmux {
                    format!(
                        "copied {} to tmux's clipboard (OSC 52; tmux passes it on to your terminal)",
                        clip.what
                    )
                } else {
                    format!(
                        "asked the terminal to copy {} (OSC 52{}) — if it did not, {}",
                        clip.what,
                        if wrap {
                            " through tmux passthrough"
                        } else {
                            ""
                        },
                        clip.fallback
                    )
                });
            }
            Route::Nothing => {
                return Flash::warn(format!(
                    "not copied: tmux drops OSC 52 (set -g set-clipboard on) — {}",
                    clip.fallback
                ));
            }
        }
    }
    Flash::warn(format!("not copied — {}", clip.fallback))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xclip() -> (&'static str, &'static [&'static str]) {
        ("xclip", &["-selection", "clipboard"])
    }

    #[test]
    fn a_local_tool_comes_first_and_ssh_skips_it() {
        let local = Surroundings {
            tools: vec![xclip()],
            ..Default::default()
        };
        assert_eq!(
            routes(&local)[0],
            Route::Tool("xclip", &["-selection", "clipboard"])
        );
        let ssh = Surroundings { ssh: true, ..local };
        assert!(matches!(routes(&ssh)[0], Route::Osc52 { .. }));
    }

    #[test]
    fn tmux_that_drops_osc52_means_nothing_can_be_copied() {
        let s = Surroundings {
            ssh: true,
            tmux: Some(TmuxClipboard::Drops),
            tools: vec![],
        };
        let mut out = Vec::new();
        let f = copy(
            &Clip::new("the ARN", "arn:x").or_see("enter shows it"),
            &s,
            &mut out,
        );
        assert!(out.is_empty(), "nothing is written");
        assert!(f.text.starts_with("not copied"), "{}", f.text);
        assert!(f.text.contains("enter shows it"), "{}", f.text);
    }

    #[test]
    fn passthrough_wraps_the_sequence() {
        assert_eq!(osc52("hi", true), "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\");
        assert_eq!(osc52("hi", false), "\x1b]52;c;aGk=\x07");
    }
}
