//! The `/` filter line: the text being typed and whether it has focus. Views own one each.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A one-line text input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilterInput {
    /// The query.
    pub text: String,
    /// Whether keys go to it.
    pub editing: bool,
}

impl FilterInput {
    /// Start editing.
    pub fn focus(&mut self) {
        self.editing = true;
    }

    /// Stop editing, keeping the query.
    pub fn blur(&mut self) {
        self.editing = false;
    }

    /// Clear and stop editing.
    pub fn clear(&mut self) {
        self.text.clear();
        self.editing = false;
    }

    /// Whether a query is set.
    pub fn is_active(&self) -> bool {
        !self.text.is_empty()
    }

    /// Apply a typed key; returns whether the text changed.
    pub fn input(&mut self, key: &KeyEvent) -> bool {
        match key.code {
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                let changed = !self.text.is_empty();
                self.text.clear();
                changed
            }
            KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                let trimmed = self.text.trim_end().len();
                let cut = self.text[..trimmed].rfind(' ').map(|i| i + 1).unwrap_or(0);
                let changed = cut != self.text.len();
                self.text.truncate(cut);
                changed
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                    && !c.is_control() =>
            {
                self.text.push(c);
                true
            }
            KeyCode::Backspace => self.text.pop().is_some(),
            _ => false,
        }
    }

    /// Paste text (control characters dropped).
    pub fn paste(&mut self, s: &str) -> bool {
        let clean: String = s.chars().filter(|c| !c.is_control()).collect();
        self.text.push_str(&clean);
        !clean.is_empty()
    }
}
