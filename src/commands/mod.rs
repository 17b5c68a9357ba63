//! Subcommands that print text (everything but the full-screen views).

pub mod cache;
pub mod info;
pub mod protocols;
pub mod resume;
pub mod review;
