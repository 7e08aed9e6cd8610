//! Selection and scrolling for a list of `len` rows shown `height` at a time, and the row
//! cell that highlights fuzzy-match positions in sanitised text.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::model::text::sanitize;

/// Cursor and scroll offset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListState {
    /// Selected row.
    pub selected: usize,
    /// First visible row.
    pub offset: usize,
}

impl ListState {
    /// Keep the selection inside `len` rows.
    pub fn clamp(&mut self, len: usize) {
        if len == 0 {
            self.selected = 0;
            self.offset = 0;
        } else if self.selected >= len {
            self.selected = len - 1;
        }
    }

    /// Move by `delta` rows.
    pub fn move_by(&mut self, delta: isize, len: usize) {
        if len == 0 {
            return;
        }
        let s = self.selected as isize + delta;
        self.selected = s.clamp(0, len as isize - 1) as usize;
    }

    /// Go to the first row.
    pub fn top(&mut self) {
        self.selected = 0;
    }

    /// Go to the last row.
    pub fn bottom(&mut self, len: usize) {
        self.selected = len.saturating_sub(1);
    }

    /// Scroll so the selection is visible in `height` rows; returns the visible range.
    pub fn visible(&mut self, len: usize, height: usize) -> std::ops::Range<usize> {
        self.clamp(len);
        if height == 0 {
            return 0..0;
        }
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        if self.offset + height > len {
            self.offset = len.saturating_sub(height);
        }
        self.offset..(self.offset + height).min(len)
    }
}

/// A cell: sanitised text with matched character positions highlighted, cut to `width`.
pub fn highlighted(
    text: &str,
    positions: &[usize],
    width: usize,
    base: Style,
    hit: Style,
) -> Line<'static> {
    let clean = sanitize(text);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut cur = String::new();
    let mut cur_hit = false;
    for (i, c) in clean.chars().enumerate() {
        if i >= width {
            break;
        }
        let is_hit = positions.binary_search(&i).is_ok();
        if is_hit != cur_hit && !cur.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut cur),
                if cur_hit { hit } else { base },
            ));
        }
        cur_hit = is_hit;
        if i + 1 == width && clean.chars().count() > width {
            cur.push('…');
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        spans.push(Span::styled(cur, if cur_hit { hit } else { base }));
    }
    Line::from(spans)
}

/// Cut text to `width` characters with an ellipsis, after sanitising it.
pub fn fit(text: &str, width: usize) -> String {
    let clean = sanitize(text);
    let n = clean.chars().count();
    if n <= width {
        clean.into_owned()
    } else if width == 0 {
        String::new()
    } else {
        let mut s: String = clean.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_keeps_the_selection_visible() {
        let mut s = ListState::default();
        s.move_by(15, 100);
        assert_eq!(s.visible(100, 10), 6..16);
        s.top();
        assert_eq!(s.visible(100, 10), 0..10);
        s.bottom(100);
        assert_eq!(s.visible(100, 10), 90..100);
        s.clamp(5);
        assert_eq!(s.selected, 4);
    }

    #[test]
    fn cells_are_sanitised_and_cut() {
        assert_eq!(fit("a\u{1b}[31mred", 20), "a␛[31mred");
        assert_eq!(fit("abcdefgh", 5), "abcd…");
    }
}
