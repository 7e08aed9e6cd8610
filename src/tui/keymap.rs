//! Keys are data: `assets/keymap.toml` (embedded) merged with the user's
//! `keymap.toml`, one section per [`KeyContext`]. Lookup walks the contexts that apply, most
//! specific first; help and the footer hints are generated from the same tables.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::command::Command;

/// Where a key is pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyContext {
    /// Everywhere (lowest priority).
    Global,
    /// Any list.
    List,
    /// While typing a filter.
    Filter,
    /// The sign-in screen.
    SignIn,
    /// The accounts screen.
    Accounts,
    /// A role's detail.
    Role,
    /// The approval-teams screens.
    Approvals,
    /// The admin console.
    Admin,
    /// A confirmation dialog.
    Confirm,
    /// The help overlay.
    Help,
    /// The trusted-identity-propagation chain.
    Tip,
    /// Token-exchange applications and issuers.
    TipAdmin,
    /// The events screen.
    Events,
}

impl KeyContext {
    fn from_section(s: &str) -> Option<KeyContext> {
        Some(match s {
            "global" => KeyContext::Global,
            "list" => KeyContext::List,
            "filter" => KeyContext::Filter,
            "signin" => KeyContext::SignIn,
            "accounts" => KeyContext::Accounts,
            "role" => KeyContext::Role,
            "approvals" => KeyContext::Approvals,
            "admin" => KeyContext::Admin,
            "confirm" => KeyContext::Confirm,
            "help" => KeyContext::Help,
            "tip" => KeyContext::Tip,
            "tip_admin" => KeyContext::TipAdmin,
            "events" => KeyContext::Events,
            _ => return None,
        })
    }

    /// A heading for the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            KeyContext::Global => "Everywhere",
            KeyContext::List => "Lists",
            KeyContext::Filter => "Filter",
            KeyContext::SignIn => "Sign-in",
            KeyContext::Accounts => "Accounts",
            KeyContext::Role => "Role",
            KeyContext::Approvals => "Approval teams",
            KeyContext::Admin => "Admin",
            KeyContext::Confirm => "Confirm",
            KeyContext::Help => "Help",
            KeyContext::Tip => "Identity propagation",
            KeyContext::TipAdmin => "Token exchange",
            KeyContext::Events => "Events",
        }
    }
}

/// A key with modifiers, comparable with crossterm events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    /// The key.
    pub code: KeyCode,
    /// Ctrl / Alt (Shift is folded into the character).
    pub mods: KeyModifiers,
}

impl Chord {
    /// Parse `ctrl-c`, `G`, `enter`, `pgdn`, `f1`, `?`, `space`.
    pub fn parse(s: &str) -> Option<Chord> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                mods |= KeyModifiers::ALT;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pgup" => KeyCode::PageUp,
            "pgdn" => KeyCode::PageDown,
            f if f.len() > 1 && f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
            _ => return None,
        };
        Some(Chord { code, mods })
    }

    /// From a key event (Shift folded into characters).
    pub fn from_event(ev: &KeyEvent) -> Chord {
        let mut mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        let code = match ev.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        if ev.code == KeyCode::BackTab {
            mods = KeyModifiers::NONE;
        }
        Chord { code, mods }
    }

    /// How to show the key.
    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Enter => "enter".to_string(),
            KeyCode::Esc => "esc".to_string(),
            KeyCode::Tab => "tab".to_string(),
            KeyCode::BackTab => "S-tab".to_string(),
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "pgup".to_string(),
            KeyCode::PageDown => "pgdn".to_string(),
            KeyCode::Home => "home".to_string(),
            KeyCode::End => "end".to_string(),
            KeyCode::Backspace => "bksp".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".to_string(),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("M-");
        }
        out + &key
    }
}

/// The bindings.
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    table: HashMap<KeyContext, Vec<(Chord, Command)>>,
}

/// The default bindings shipped with centry.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

impl Keymap {
    /// Parse a keymap file; unknown sections, keys or commands are errors naming them.
    pub fn parse(text: &str) -> Result<Vec<(KeyContext, Chord, Option<Command>)>, String> {
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| format!("keymap: {e}"))?;
        let mut out = Vec::new();
        for (section, v) in doc {
            let ctx = KeyContext::from_section(&section)
                .ok_or_else(|| format!("keymap: unknown section [{section}]"))?;
            let table = v
                .as_table()
                .ok_or_else(|| format!("keymap: [{section}] must be a table"))?;
            for (key, cmd) in table {
                let chord = Chord::parse(key)
                    .ok_or_else(|| format!("keymap: [{section}] unknown key {key:?}"))?;
                let name = cmd.as_str().ok_or_else(|| {
                    format!("keymap: [{section}] {key:?} must map to a command name")
                })?;
                let command = if name == "none" {
                    None
                } else {
                    Some(
                        Command::deserialize(toml::Value::String(name.to_string())).map_err(
                            |_| format!("keymap: [{section}] {key:?} = unknown command {name:?}"),
                        )?,
                    )
                };
                out.push((ctx, chord, command));
            }
        }
        Ok(out)
    }

    /// The defaults, with `user` (a keymap.toml text) merged on top.
    pub fn load(user: Option<&str>) -> Result<Keymap, String> {
        let mut km = Keymap::default();
        for (ctx, chord, cmd) in Keymap::parse(DEFAULT_KEYMAP)? {
            km.bind(ctx, chord, cmd);
        }
        if let Some(u) = user {
            for (ctx, chord, cmd) in Keymap::parse(u)? {
                km.bind(ctx, chord, cmd);
            }
        }
        for v in km.table.values_mut() {
            v.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.label().cmp(&b.0.label())));
        }
        Ok(km)
    }

    fn bind(&mut self, ctx: KeyContext, chord: Chord, cmd: Option<Command>) {
        let v = self.table.entry(ctx).or_default();
        v.retain(|(c, _)| *c != chord);
        if let Some(cmd) = cmd {
            v.push((chord, cmd));
        }
    }

    /// The command for a key in the first context (of `contexts`, most specific first) that
    /// binds it.
    pub fn lookup(&self, contexts: &[KeyContext], ev: &KeyEvent) -> Option<Command> {
        let chord = Chord::from_event(ev);
        contexts.iter().find_map(|ctx| {
            self.table
                .get(ctx)?
                .iter()
                .find(|(c, _)| *c == chord)
                .map(|(_, cmd)| *cmd)
        })
    }

    /// Key labels bound to `cmd` in the first of `contexts` that has any.
    pub fn keys_for(&self, contexts: &[KeyContext], cmd: Command) -> Vec<String> {
        for ctx in contexts {
            let keys: Vec<String> = self
                .table
                .get(ctx)
                .into_iter()
                .flatten()
                .filter(|(_, c)| *c == cmd)
                .map(|(k, _)| k.label())
                .collect();
            if !keys.is_empty() {
                return keys;
            }
        }
        Vec::new()
    }

    /// All bindings of one context, for help.
    pub fn bindings(&self, ctx: KeyContext) -> Vec<(String, Command)> {
        let mut by_cmd: Vec<(String, Command)> = Vec::new();
        for (chord, cmd) in self.table.get(&ctx).into_iter().flatten() {
            match by_cmd.iter_mut().find(|(_, c)| c == cmd) {
                Some((keys, _)) => {
                    keys.push(' ');
                    keys.push_str(&chord.label());
                }
                None => by_cmd.push((chord.label(), *cmd)),
            }
        }
        by_cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn defaults_parse_and_resolve_most_specific_first() {
        let km = Keymap::load(None).unwrap();
        let ev = key(KeyCode::Char('r'), KeyModifiers::NONE);
        assert_eq!(
            km.lookup(
                &[KeyContext::Role, KeyContext::List, KeyContext::Global],
                &ev
            ),
            Some(Command::Refresh)
        );
        let f = key(KeyCode::Char('f'), KeyModifiers::NONE);
        assert_eq!(
            km.lookup(
                &[KeyContext::Accounts, KeyContext::List, KeyContext::Global],
                &f
            ),
            Some(Command::ToggleFavourite)
        );
        let c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            km.lookup(&[KeyContext::List, KeyContext::Global], &c),
            Some(Command::Quit)
        );
        let g = key(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.lookup(&[KeyContext::List], &g), Some(Command::Bottom));
    }

    #[test]
    fn user_overrides_rebind_and_unbind() {
        let km = Keymap::load(Some("[list]\n\"x\" = \"down\"\n\"j\" = \"none\"\n")).unwrap();
        assert_eq!(
            km.lookup(
                &[KeyContext::List],
                &key(KeyCode::Char('x'), KeyModifiers::NONE)
            ),
            Some(Command::Down)
        );
        assert_eq!(
            km.lookup(
                &[KeyContext::List],
                &key(KeyCode::Char('j'), KeyModifiers::NONE)
            ),
            None
        );
    }

    #[test]
    fn bad_user_files_name_the_problem() {
        assert!(
            Keymap::load(Some("[nope]\n"))
                .unwrap_err()
                .contains("unknown section")
        );
        assert!(
            Keymap::load(Some("[list]\n\"j\" = \"fly\"\n"))
                .unwrap_err()
                .contains("unknown command \"fly\"")
        );
        assert!(
            Keymap::load(Some("[list]\n\"hyper-j\" = \"down\"\n"))
                .unwrap_err()
                .contains("unknown key")
        );
    }
}
