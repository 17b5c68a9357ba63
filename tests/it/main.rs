//! Every integration test in one binary (as bottom does): one link of rusqlite, ratatui and
//! the library instead of one per file. Each file of `tests/it/` is a module; `support` holds
//! what they share. Run one file with `cargo test --test it -- FILE::`.

mod support;

mod bounded_inputs;
mod cli_conventions;
mod cli_edges;
mod cli_exports;
mod cli_protocols;
mod cli_review;
mod cli_rough_edges;
mod e2e_log_loss;
mod e2e_projected;
mod e2e_signals;
mod e2e_tmux;
mod engine;
mod format2_course;
mod format2_people;
mod format2_records;
mod format2_timing;
mod frame_bytes;
mod gen_logs;
mod hard_stop;
mod index;
mod index_details;
mod index_faults;
mod index_groups;
mod index_packed;
mod index_search;
mod key_release;
mod log;
mod log_fuzz;
mod log_loss;
mod machines;
mod month_folders;
mod plan_totals;
mod protocol_fuzz;
mod protocols;
mod purity;
mod regressions;
mod review;
mod review_aggregates;
mod room;
mod room_names;
mod scenarios;
mod schema;
mod settings_layers;
mod setup_request;
mod share;
mod tui_home;
mod tui_keys;
mod tui_log_failure;
mod tui_logs;
mod tui_signals;
mod tui_snapshots;
mod windows_exe;
