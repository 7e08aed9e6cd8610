//! The embedded emulator of IAM Identity Center and the AWS APIs around it.

pub mod generate;
pub mod org;
