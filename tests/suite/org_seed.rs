//! The emulator's seed organisations: the bundled demo organisation (`assets/demo-org.json`)
//! has the shape the demo and the screens rely on, and `--generate` builds valid,
//! deterministic organisations of the requested size.

mod demo_directory;
mod demo_features;
mod generated;
mod support;
