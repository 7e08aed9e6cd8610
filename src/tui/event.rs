//! What wakes the loop: terminal input, a tick for time-dependent text, results of background
//! work, and termination signals. One channel carries them all.

use crossterm::event::{Event as TermEvent, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

use super::action::Action;

/// One thing for the loop to handle.
#[derive(Debug)]
pub enum Event {
    /// Keyboard, mouse, paste, resize.
    Term(TermEvent),
    /// Time passed (spinners, countdowns, ages, flash expiry).
    Tick,
    /// A background task finished or reported.
    Done(Action),
    /// SIGINT / SIGTERM: restore and leave.
    Terminate,
}

/// Read terminal events until the channel closes.
pub fn spawn_input(tx: UnboundedSender<Event>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut stream = EventStream::new();
        while let Some(ev) = stream.next().await {
            match ev {
                Ok(ev) => {
                    if tx.send(Event::Term(ev)).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    })
}

/// Send a tick every `period`.
pub fn spawn_ticks(
    tx: UnboundedSender<Event>,
    period: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut t = tokio::time::interval(period);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            t.tick().await;
            if tx.send(Event::Tick).is_err() {
                break;
            }
        }
    })
}

/// Turn SIGTERM (and SIGINT when not in raw mode) into [`Event::Terminate`].
pub fn spawn_signals(tx: UnboundedSender<Event>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        crate::cli::emulator::wait_for_signal().await;
        let _ = tx.send(Event::Terminate);
    })
}
