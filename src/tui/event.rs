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

/// The task reading the keyboard, which can be paused while a child process (the role
/// shell, `exec`) owns the terminal: a reader left running would take keystrokes meant for
/// the child and answers the terminal gives it.
pub struct Input {
    task: tokio::task::JoinHandle<()>,
    paused: tokio::sync::watch::Sender<bool>,
    stopped: std::sync::mpsc::Receiver<()>,
}

impl Input {
    /// Stop reading the terminal and wait (briefly) until the reader has let go of it.
    pub fn pause(&self) {
        while self.stopped.try_recv().is_ok() {}
        if self.paused.send(true).is_ok() {
            let _ = self
                .stopped
                .recv_timeout(std::time::Duration::from_millis(500));
        }
    }

    /// Read the terminal again after [`Input::pause`].
    pub fn resume(&self) {
        let _ = self.paused.send(false);
    }

    /// Stop for good.
    pub fn abort(&self) {
        self.task.abort();
    }
}

/// Read terminal events until the channel closes.
pub fn spawn_input(tx: UnboundedSender<Event>) -> Input {
    let (paused, mut pause_rx) = tokio::sync::watch::channel(false);
    let (stopped_tx, stopped) = std::sync::mpsc::channel();
    let task = tokio::spawn(async move {
        loop {
            // Dropping the stream stops crossterm's reader thread, so nothing reads the
            // terminal while paused.
            if !read_until_paused(&tx, &mut pause_rx).await {
                break;
            }
            let _ = stopped_tx.send(());
            if pause_rx.wait_for(|p| !*p).await.is_err() {
                break;
            }
        }
    });
    Input {
        task,
        paused,
        stopped,
    }
}

/// Forward terminal events until a pause is asked for (true) or the input ends (false).
async fn read_until_paused(
    tx: &UnboundedSender<Event>,
    pause_rx: &mut tokio::sync::watch::Receiver<bool>,
) -> bool {
    let mut stream = EventStream::new();
    loop {
        tokio::select! {
            changed = pause_rx.wait_for(|p| *p) => return changed.is_ok(),
            ev = stream.next() => match ev {
                Some(Ok(ev)) => {
                    if tx.send(Event::Term(ev)).is_err() {
                        return false;
                    }
                }
                _ => return false,
            },
        }
    }
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
