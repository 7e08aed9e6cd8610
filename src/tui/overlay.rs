//! Overlays drawn over the current screen: generated help, the `:` screen palette, a
//! confirmation (default No), and an error that needs the user to act.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::command::Command;
use super::keymap::KeyContext;
use super::shared::{ScreenId, Shared};
use super::widgets::FilterInput;
use super::widgets::popup;

/// What an overlay asks the app to do when it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Run a confirmed command.
    Run(Command),
    /// Go to a screen.
    Go(ScreenId),
}

/// An overlay.
#[derive(Debug, Clone)]
pub enum Overlay {
    /// Keys for the contexts that were active.
    Help {
        /// The contexts to document.
        contexts: Vec<KeyContext>,
        /// Scroll offset.
        scroll: usize,
    },
    /// Jump to a screen by typing part of its name.
    Palette {
        /// What was typed.
        input: FilterInput,
        /// Highlighted entry.
        selected: usize,
    },
    /// Are you sure?
    Confirm {
        /// The question.
        question: String,
        /// What runs on yes.
        command: Command,
    },
    /// Something the user must act on.
    Error {
        /// Title.
        title: String,
        /// What happened and what to do.
        text: String,
    },
}

impl Overlay {
    /// A fresh palette.
    pub fn palette() -> Overlay {
        Overlay::Palette {
            input: FilterInput {
                text: String::new(),
                editing: true,
            },
            selected: 0,
        }
    }

    /// Key contexts while open.
    pub fn contexts(&self) -> Vec<KeyContext> {
        match self {
            Overlay::Help { .. } => vec![KeyContext::Help],
            Overlay::Palette { .. } => vec![KeyContext::Filter],
            Overlay::Confirm { .. } => vec![KeyContext::Confirm],
            Overlay::Error { .. } => vec![KeyContext::Confirm, KeyContext::Global],
        }
    }

    /// Whether typed characters go to a text input.
    pub fn takes_text(&self) -> bool {
        matches!(self, Overlay::Palette { .. })
    }

    /// Footer hints while open.
    pub fn hints(&self) -> Vec<Command> {
        match self {
            Overlay::Help { .. } => vec![Command::Down, Command::Up, Command::Back],
            Overlay::Palette { .. } => vec![Command::Open, Command::Back],
            Overlay::Confirm { .. } => vec![Command::Confirm, Command::Back],
            Overlay::Error { .. } => vec![Command::SignIn, Command::Back],
        }
    }

    fn palette_matches(text: &str) -> Vec<ScreenId> {
        let t = text.to_lowercase();
        ScreenId::TABS
            .iter()
            .copied()
            .filter(|s| s.title().to_lowercase().contains(t.trim()))
            .collect()
    }

    /// Typed text.
    pub fn on_text(&mut self, f: impl FnOnce(&mut FilterInput) -> bool) {
        if let Overlay::Palette { input, selected } = self
            && f(input)
        {
            *selected = 0;
        }
    }

    /// Handle a command: the overlay to keep (if any) and what to do next.
    pub fn on_command(self, cmd: Command, _sh: &Shared) -> (Option<Overlay>, Option<Then>) {
        match self {
            Overlay::Help { contexts, scroll } => match cmd {
                Command::Down => (
                    Some(Overlay::Help {
                        contexts,
                        scroll: scroll + 1,
                    }),
                    None,
                ),
                Command::Up => (
                    Some(Overlay::Help {
                        contexts,
                        scroll: scroll.saturating_sub(1),
                    }),
                    None,
                ),
                Command::Quit => (None, None),
                _ => (None, None),
            },
            Overlay::Palette { input, selected } => {
                let matches = Overlay::palette_matches(&input.text);
                match cmd {
                    Command::Down => (
                        Some(Overlay::Palette {
                            selected: (selected + 1).min(matches.len().saturating_sub(1)),
                            input,
                        }),
                        None,
                    ),
                    Command::Up => (
                        Some(Overlay::Palette {
                            selected: selected.saturating_sub(1),
                            input,
                        }),
                        None,
                    ),
                    Command::Open => (None, matches.get(selected).map(|s| Then::Go(*s))),
                    _ => (None, None),
                }
            }
            Overlay::Confirm { command, .. } => match cmd {
                Command::Confirm => (None, Some(Then::Run(command))),
                _ => (None, None),
            },
            Overlay::Error { .. } => match cmd {
                Command::SignIn => (None, Some(Then::Run(Command::SignIn))),
                _ => (None, None),
            },
        }
    }

    /// Draw.
    pub fn render(&mut self, f: &mut Frame, area: Rect, sh: &Shared) {
        let th = &sh.theme;
        match self {
            Overlay::Help { contexts, scroll } => {
                let mut lines = Vec::new();
                let mut ctxs = contexts.clone();
                if !ctxs.contains(&KeyContext::Global) {
                    ctxs.push(KeyContext::Global);
                }
                for ctx in ctxs {
                    let b = sh.keymap.bindings(ctx);
                    if b.is_empty() {
                        continue;
                    }
                    lines.push(Line::styled(ctx.title(), th.title()));
                    for (keys, cmd) in b {
                        if sh.session.read_only && cmd.is_dangerous() {
                            continue;
                        }
                        lines.push(Line::from(vec![
                            Span::styled(format!("  {keys:<16}"), th.key()),
                            Span::styled(cmd.describe(), th.text()),
                        ]));
                    }
                    lines.push(Line::raw(""));
                }
                let skip = (*scroll).min(lines.len().saturating_sub(1));
                *scroll = skip;
                let total = lines.len();
                let visible: Vec<Line<'static>> = lines.into_iter().skip(skip).collect();
                let height = area.height.saturating_sub(4);
                let inner = height.saturating_sub(2) as usize;
                // Two columns when the keys would not fit in one and the terminal is wide —
                // decided on all the keys, so the box keeps its width while scrolling.
                if total > inner && area.width >= 110 {
                    let r = popup::centred(area, 108, height);
                    popup::draw(f, r, "Keys", Vec::new(), th.title());
                    let cols = ratatui::layout::Layout::horizontal([
                        ratatui::layout::Constraint::Percentage(50),
                        ratatui::layout::Constraint::Percentage(50),
                    ])
                    .areas::<2>(r.inner(ratatui::layout::Margin::new(1, 1)));
                    let (left, right) = visible.split_at(visible.len().min(inner));
                    f.render_widget(ratatui::widgets::Paragraph::new(left.to_vec()), cols[0]);
                    f.render_widget(ratatui::widgets::Paragraph::new(right.to_vec()), cols[1]);
                } else {
                    let r = popup::centred(area, 60, height);
                    popup::draw(f, r, "Keys", visible, th.title());
                }
            }
            Overlay::Palette { input, selected } => {
                let matches = Overlay::palette_matches(&input.text);
                let mut lines = vec![Line::from(vec![
                    Span::styled(":", th.key()),
                    Span::styled(format!("{}▏", input.text), th.text()),
                ])];
                for (i, s) in matches.iter().enumerate() {
                    lines.push(Line::styled(
                        format!("  {}", s.title()),
                        if i == *selected {
                            th.selected()
                        } else {
                            th.text()
                        },
                    ));
                }
                let r = popup::centred(area, 40, (matches.len() + 3) as u16);
                popup::draw(f, r, "Go to", lines, th.title());
            }
            Overlay::Confirm { question, .. } => {
                let lines = vec![
                    Line::styled(question.clone(), th.text()),
                    Line::raw(""),
                    Line::styled("y yes   n / esc no (default)", th.dim()),
                ];
                let r = popup::centred(area, 64, 7);
                popup::draw(f, r, "Confirm", lines, th.warn());
            }
            Overlay::Error { title, text } => {
                let lines = vec![
                    Line::styled(text.clone(), th.text()),
                    Line::raw(""),
                    Line::styled("L sign in again   esc close", th.dim()),
                ];
                let r = popup::centred(area, 64, 8);
                popup::draw(f, r, title, lines, th.error());
            }
        }
    }
}
