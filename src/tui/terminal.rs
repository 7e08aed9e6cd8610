//! Entering and leaving the full-screen terminal. The guard restores the terminal on quit, on
//! error (drop), on panic (hook), on Ctrl-C (a key in raw mode, or SIGINT/SIGTERM handled
//! by the loop) and when start-up itself fails, and can suspend for a child process (a shell
//! with role credentials). It never queries the cursor position.

use std::io::{Stdout, Write, stdout};

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal type centry draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Put the terminal back the way we found it. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = stdout();
    let _ = execute!(
        out,
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = out.flush();
}

fn enter() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(
        stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste
    )
}

/// Owns the full-screen terminal; restores it when dropped.
pub struct TerminalGuard {
    /// The ratatui terminal.
    pub term: Term,
}

impl TerminalGuard {
    /// Enter raw mode and the alternate screen, and install a panic hook that restores first.
    pub fn new() -> std::io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        // Whatever fails from here on, the terminal is put back before the error is reported.
        let started = enter().and_then(|()| {
            let mut term = Terminal::new(CrosstermBackend::new(stdout()))?;
            clear(&mut term)?;
            Ok(term)
        });
        match started {
            Ok(term) => Ok(TerminalGuard { term }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// Leave the full screen, run `f` (which may use the terminal), and come back with the
    /// whole screen repainted on the next draw.
    ///
    /// `Terminal::clear` is not used here: it asks the terminal for the cursor position, and
    /// a reader of the terminal could take the answer, so the clear failed and the next draw
    /// only sent what changed — onto a blank alternate screen. The caller pauses the input
    /// task around this ([`super::event::Input::pause`]).
    pub fn suspend<T>(&mut self, f: impl FnOnce() -> T) -> std::io::Result<T> {
        restore();
        let out = f();
        enter()?;
        clear(&mut self.term)?;
        Ok(out)
    }
}

/// Clear the screen and make the next draw paint every cell. Unlike ratatui's `clear`, this
/// does not ask the terminal where the cursor is: a terminal that never answers that query
/// (some serial consoles, multiplexers, CI runners) used to stop centry at start-up.
fn clear(term: &mut Term) -> std::io::Result<()> {
    term.current_buffer_mut().reset();
    // The buffer last drawn is reset too: both are blank, like the screen after this.
    term.swap_buffers();
    execute!(
        stdout(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
        crossterm::cursor::MoveTo(0, 0)
    )
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
