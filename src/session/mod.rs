//! The session engine (issue 3).
