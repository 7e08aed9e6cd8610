//! Styles in one place. `NO_COLOR` (any value) turns colour off; emphasis then comes from
//! bold, reverse and underline alone.

use ratatui::style::{Color, Modifier, Style};

/// The styles views use.
#[derive(Debug, Clone)]
pub struct Theme {
    /// Whether colours are on.
    pub color: bool,
}

impl Theme {
    /// From the environment (`NO_COLOR`).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    /// Colourless theme (tests).
    pub fn plain() -> Theme {
        Theme { color: false }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    /// Normal text.
    pub fn text(&self) -> Style {
        Style::default()
    }
    /// Less important text (ages, ids).
    pub fn dim(&self) -> Style {
        if self.color {
            self.fg(Color::DarkGray)
        } else {
            Style::default().add_modifier(Modifier::DIM)
        }
    }
    /// Headings and titles.
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// The selected row.
    pub fn selected(&self) -> Style {
        if self.color {
            Style::default()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
    /// Fuzzy-match highlights.
    pub fn matched(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    /// Good news.
    pub fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    /// Warnings.
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    /// Errors and failures.
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// Key labels in hints.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// The EMULATOR badge.
    pub fn badge(&self) -> Style {
        if self.color {
            Style::default()
                .bg(Color::Magenta)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    /// Header bar.
    pub fn header(&self) -> Style {
        if self.color {
            Style::default().bg(Color::Rgb(30, 30, 46))
        } else {
            Style::default()
        }
    }
}
