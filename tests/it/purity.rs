//! The layers of `src/lib.rs`'s map, checked on the real module graph: every file under `src/`
//! is parsed (with `syn`), and every path it names is collected: its `use` trees (grouped
//! `crate::{a, b}` included), paths in code and types (`crate::clock::utc_now()`), `super::`
//! resolved from the file's place, paths in macro calls (`format!("{}", crate::clock::…)`) and in
//! attributes (`#[derive(clap::ValueEnum)]`, `#[serde(with = "crate::…")]`). Each path that
//! leads into another module of the crate is an edge of the graph; the rules below are asserted
//! on those edges. Test code (`#[cfg(test)]`) is left out: it ships in no build.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::spanned::Spanned as _;
use syn::visit::Visit;

/// The layers of `src/lib.rs`'s map, from the pure core outwards: a module uses only modules of
/// its own layer or of the layers above it. `text` and `bounded` are used by all.
const LAYERS: &[&[&str]] = &[
    &["text", "bounded"],
    &["protocol"],
    &["session"],
    &["machine"],
    &["clock"],
    &["log"],
    &["review"],
    &["output"],
    &["share"],
    &["config"],
    &["tui"],
    &["commands"],
    // The command line: its definitions, completions and man pages (`cli/`).
    &["cli"],
];

/// The pure core: no clock, no terminal, no command line (and `session` no files either).
const CORE: &[&str] = &["protocol", "session", "log"];

/// The modules of the command line, the only ones that may use `crate::cli` or clap.
const COMMAND_LINE: &[&str] = &["cli"];

/// Files that may use `crate::cli` or clap outside the command line: none (issue 20, "Settings
/// are not the command line"). A file that no longer does must leave this list (the test says so).
const CLI_ALLOWED: &[&str] = &[];

/// A path a file names: `crate::…` when it leads into the crate (with `super` and `self`
/// resolved), else as written (`std::fs::read`, `clap::Parser`, `Utc::now`).
#[derive(Debug, Clone)]
struct Named {
    line: usize,
    path: Vec<String>,
}

/// One file's module (`["review", "index", "query"]` for `src/review/index/query.rs`) and the
/// paths it names.
#[derive(Debug)]
struct FileUses {
    file: String,
    module: Vec<String>,
    named: Vec<Named>,
}

/// The module a file under `src/` is: `src/review/index/mod.rs` is `review::index`.
fn module_of(file: &str) -> Vec<String> {
    let rel = file.trim_start_matches("src/").trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(String::from).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().trim() == "test")
    })
}

struct Collector {
    /// The module the code being visited is in (the file's, then any inline `mod`).
    scope: Vec<String>,
    named: Vec<Named>,
}

impl Collector {
    /// Records a path, `crate`, `super` and `self` resolved against the scope.
    fn record(&mut self, line: usize, segments: Vec<String>) {
        if segments.len() < 2 {
            return;
        }
        let path = if matches!(segments[0].as_str(), "self" | "super") {
            let mut base = self.scope.clone();
            let mut rest = segments.as_slice();
            while let Some((first, tail)) = rest.split_first() {
                match first.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = tail;
            }
            let mut path = vec!["crate".to_string()];
            path.extend(base);
            path.extend(rest.iter().cloned());
            path
        } else {
            // `crate::…` as it is; anything else as written (`std::fs`, `clap::Parser`).
            segments
        };
        self.named.push(Named { line, path });
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut path = prefix.clone();
                if n.ident != "self" {
                    path.push(n.ident.to_string());
                }
                self.record(n.ident.span().start().line, path);
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                self.record(r.ident.span().start().line, path);
            }
            syn::UseTree::Glob(g) => {
                self.record(g.star_token.span().start().line, prefix.clone());
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, prefix);
                }
            }
        }
    }

    /// The paths in tokens syn does not parse (a macro's arguments, an attribute's): every run
    /// `a::b::c` of identifiers, and string literals that are paths (`with = "crate::…"`).
    fn tokens(&mut self, tokens: TokenStream) {
        fn flush(run: &mut Vec<String>, line: usize, this: &mut Collector) {
            if run.len() >= 2 {
                this.record(line, std::mem::take(run));
            }
            run.clear();
        }
        let mut run: Vec<String> = Vec::new();
        let mut line = 0;
        let mut colons = 0;
        for tt in tokens {
            match tt {
                TokenTree::Ident(i) => {
                    if colons == 2 && !run.is_empty() {
                        run.push(i.to_string());
                    } else {
                        flush(&mut run, line, self);
                        run.push(i.to_string());
                        line = i.span().start().line;
                    }
                    colons = 0;
                }
                TokenTree::Punct(p) if p.as_char() == ':' => colons += 1,
                TokenTree::Group(g) => {
                    flush(&mut run, line, self);
                    colons = 0;
                    self.tokens(g.stream());
                }
                TokenTree::Literal(l) => {
                    flush(&mut run, line, self);
                    colons = 0;
                    let text = l.to_string();
                    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"'))
                        && inner.contains("::")
                        && let Ok(p) = syn::parse_str::<syn::Path>(inner)
                    {
                        let segs = p.segments.iter().map(|s| s.ident.to_string()).collect();
                        self.record(l.span().start().line, segs);
                    }
                }
                TokenTree::Punct(_) => {
                    flush(&mut run, line, self);
                    colons = 0;
                }
            }
        }
        flush(&mut run, line, self);
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if is_test_only(&m.attrs) {
            return;
        }
        self.scope.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.scope.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test_only(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if !is_test_only(&i.attrs) {
            syn::visit::visit_item_impl(self, i);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if is_test_only(&u.attrs) {
            return;
        }
        self.use_tree(&u.tree, &mut Vec::new());
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segs = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.record(p.span().start().line, segs);
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_path(&m.path);
        self.tokens(m.tokens.clone());
    }

    fn visit_attribute(&mut self, a: &'ast syn::Attribute) {
        if a.path().is_ident("doc") {
            return;
        }
        self.visit_path(a.path());
        match &a.meta {
            syn::Meta::List(l) => self.tokens(l.tokens.clone()),
            syn::Meta::NameValue(nv) => self.visit_expr(&nv.value),
            syn::Meta::Path(_) => {}
        }
    }
}

/// The paths a source file names (see [`Named`]).
fn collect(file: &str, source: &str) -> FileUses {
    let module = module_of(file);
    let parsed = syn::parse_file(source).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut c = Collector { scope: module.clone(), named: Vec::new() };
    c.visit_file(&parsed);
    FileUses { file: file.to_string(), module, named: c.named }
}

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Whether a path reads a clock (`Instant::now`, `SystemTime::now`, `Utc::now`, `Local::now`).
fn reads_clock(path: &[String]) -> bool {
    matches!(path, [.., ty, now] if now == "now"
        && ["Instant", "SystemTime", "Utc", "Local"].contains(&ty.as_str()))
}

/// Every broken rule in these files, as `file:line: what`. `cli_allowed` are the files excused
/// from the command-line rule.
fn violations(files: &[FileUses], cli_allowed: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        let Some(module) = f.module.first().map(String::as_str) else { continue };
        let Some(own) = layer(module) else {
            out.push(format!("{}: module `{module}` is not in src/lib.rs's map", f.file));
            continue;
        };
        let excused = cli_allowed.contains(&f.file.as_str());
        for n in &f.named {
            let at = format!("{}:{}", f.file, n.line);
            let shown = n.path.join("::");
            let first = n.path[0].as_str();
            let target = (first == "crate").then(|| n.path.get(1)).flatten().map(String::as_str);
            let command_line = target == Some("cli") || first == "clap" || first == "clap_complete";
            if command_line && !COMMAND_LINE.contains(&module) && !excused {
                out.push(format!(
                    "{at}: `{module}` uses the command line ({shown}): only cli does"
                ));
            }
            if let Some(target) = target.filter(|t| *t != module) {
                match layer(target) {
                    None => out.push(format!("{at}: `{target}` is not in src/lib.rs's map")),
                    Some(l) if l > own && !(command_line && excused) => out.push(format!(
                        "{at}: `{module}` uses `{target}`, which is below it in src/lib.rs's \
                         map ({shown})"
                    )),
                    _ => {}
                }
            }
            if CORE.contains(&module) {
                let terminal = ["ratatui", "crossterm"].contains(&first);
                if target == Some("clock") || reads_clock(&n.path) || terminal || command_line {
                    out.push(format!(
                        "{at}: the pure core (`{module}`) reads no clock and knows no terminal \
                         or command line ({shown})"
                    ));
                }
            }
            if module == "session" {
                let io = first == "std"
                    && n.path.get(1).is_some_and(|s| {
                        ["fs", "io", "net", "process", "env", "thread"].contains(&s.as_str())
                    });
                let time = n.path.iter().any(|s| s == "Instant" || s == "SystemTime");
                if io || time {
                    out.push(format!(
                        "{at}: the session engine is pure: time is an argument, no files \
                         ({shown})"
                    ));
                }
            }
        }
    }
    out
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every file of the library (not `src/main.rs` and `src/bin/`, the programs, which may use
/// everything).
fn library() -> Vec<FileUses> {
    let mut paths = Vec::new();
    rust_files(Path::new("src"), &mut paths);
    paths.sort();
    paths
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|f| f != "src/main.rs" && f != "src/lib.rs" && !f.starts_with("src/bin/"))
        .map(|f| {
            let source = std::fs::read_to_string(&f).expect("readable");
            collect(&f, &source)
        })
        .collect()
}

#[test]
fn the_layers_of_the_map_hold_in_the_module_graph() {
    let files = library();
    assert!(files.len() > 80, "expected the whole library, found {} files", files.len());
    let edges: usize = files.iter().map(|f| f.named.len()).sum();
    assert!(edges > 1000, "expected the paths of the library, found {edges}");
    let found = violations(&files, CLI_ALLOWED);
    assert!(found.is_empty(), "{} broken layer rules:\n{}", found.len(), found.join("\n"));
}

/// The layers here are src/lib.rs's map: every module it declares, in the order its docs list
/// them (`text` and `bounded`, used by all, last).
#[test]
fn the_layers_are_the_map_in_lib_rs() {
    let lib = std::fs::read_to_string("src/lib.rs").expect("src/lib.rs");
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod ").and_then(|m| m.strip_suffix(';')))
        .collect();
    let mapped: BTreeSet<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
    assert_eq!(declared, mapped, "src/lib.rs's modules and this test's layers");
    let listed: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("//! - [`"))
        .filter_map(|l| l.split_once('`').map(|(m, _)| m))
        .collect();
    let mut order: Vec<&str> = LAYERS[1..].iter().flat_map(|l| l.iter().copied()).collect();
    order.extend(LAYERS[0]);
    assert_eq!(listed, order, "the order of src/lib.rs's map and this test's layers");
}

/// The allowance for the command line shrinks as files stop using it: an entry that no longer
/// uses `crate::cli` or clap must go.
#[test]
fn the_command_line_allowance_lists_only_files_that_need_it() {
    let files = library();
    for allowed in CLI_ALLOWED {
        let f = files.iter().find(|f| f.file == *allowed);
        let f = f.unwrap_or_else(|| panic!("{allowed} is not a file of the library"));
        let uses = violations(std::slice::from_ref(f), &[]);
        assert!(
            uses.iter().any(|v| v.contains("uses the command line")),
            "{allowed} no longer uses the command line: remove it from CLI_ALLOWED"
        );
    }
}

/// The checker finds what the substring check missed: a grouped `use crate::{cli, …}`, a path
/// written in full in code and in a macro's arguments, `super::` climbing out of a module, and
/// an upward use from the review.
#[test]
fn the_checker_reports_upward_uses_however_they_are_written() {
    let source = r#"
use crate::{cli, text::sanitize};
use super::super::super::tui::theme;
fn f() -> String {
    let t = crate::clock::now();
    format!("{}", crate::clock::utc_now())
}
#[derive(clap::ValueEnum)]
enum E { A }
#[cfg(test)]
mod tests { use crate::tui; }
"#;
    let log = collect("src/log/writer/fake.rs", source);
    let found = violations(&[log], &[]);
    let text = found.join("\n");
    for (line, what) in [
        (2, "`log` uses the command line (crate::cli)"),
        (2, "`log` uses `cli`, which is below it"),
        (3, "`log` uses `tui`, which is below it in src/lib.rs's map (crate::tui::theme)"),
        (
            5,
            "the pure core (`log`) reads no clock and knows no terminal or command line (crate::clock::now)",
        ),
        (6, "(crate::clock::utc_now)"),
        (8, "`log` uses the command line (clap::ValueEnum)"),
    ] {
        let want = format!("src/log/writer/fake.rs:{line}: ");
        assert!(
            found.iter().any(|v| v.starts_with(&want) && v.contains(what)),
            "missing {want}{what} in:\n{text}"
        );
    }
    assert!(!text.contains(":11:"), "test code is left out: {text}");
    assert!(!text.contains("text::sanitize"), "text is used by all: {text}");

    let review = collect(
        "src/review/fake.rs",
        "fn f() -> &'static str { crate::output::schema::LOGS_LIST }\nuse crate::log::reader;",
    );
    let found = violations(&[review], &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("src/review/fake.rs:1: `review` uses `output`"), "{found:?}");

    let session = collect(
        "src/session/fake.rs",
        "use std::{fs, time::Instant};\nfn f() { let _ = chrono::Utc::now(); }",
    );
    let found = violations(&[session], &[]);
    assert_eq!(found.len(), 3, "std::fs, Instant, Utc::now: {found:?}");

    // An excused file may use the command line, and nothing else below it.
    let tui = collect("src/tui/fake.rs", "use crate::cli::Dirs;\nuse crate::commands::x;");
    let found = violations(&[tui], &["src/tui/fake.rs"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`tui` uses `commands`"), "{found:?}");
}
