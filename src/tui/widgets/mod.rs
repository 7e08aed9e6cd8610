//! Reusable drawing pieces with no data of their own and no I/O.

pub mod filter;
pub mod flash;
pub mod hints;
pub mod list;
pub mod popup;

pub use filter::FilterInput;
pub use flash::{Flash, FlashLevel};
pub use list::ListState;
