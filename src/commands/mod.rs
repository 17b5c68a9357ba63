//! Subcommands that print text (everything but the full-screen views).

pub mod protocols;
pub mod review;
