//! Shared wording and shapes for the text views: durations, dates, bars, shortened lists.

use chrono::{DateTime, FixedOffset};

use crate::protocol::{Minutes, clock};
use crate::text;

/// Milliseconds as `m:ss` (or `h:mm:ss`), rounded to the nearest second.
pub(crate) fn dur(ms: u64) -> String {
    clock(ms.saturating_add(500) / 1000, Minutes::Plain)
}

/// An overrun as `+m:ss`, or `-` when there is none.
pub(crate) fn over(ms: u64) -> String {
    if ms.saturating_add(500) / 1000 == 0 { "-".into() } else { format!("+{}", dur(ms)) }
}

/// A signed change as `+m:ss` or `-m:ss` (`0:00` for none).
pub(crate) fn signed(ms: i64) -> String {
    let d = dur(ms.unsigned_abs());
    if d == "0:00" {
        d
    } else if ms < 0 {
        format!("-{d}")
    } else {
        format!("+{d}")
    }
}

/// Milliseconds as seconds with up to three decimals and no trailing zeros: `240`, `243.5`.
pub(crate) fn secs(ms: u64) -> String {
    let (s, frac) = (ms / 1000, ms % 1000);
    if frac == 0 {
        return s.to_string();
    }
    let f = format!("{frac:03}");
    format!("{s}.{}", f.trim_end_matches('0'))
}

/// A date format, parsed once: views of 100,000 sessions format hundreds of thousands of dates.
fn items(format: &'static str) -> Vec<chrono::format::Item<'static>> {
    chrono::format::StrftimeItems::new(format).collect()
}

static DATE_TIME: std::sync::LazyLock<Vec<chrono::format::Item<'static>>> =
    std::sync::LazyLock::new(|| items("%Y-%m-%d %H:%M"));
static LONG_DATE_TIME: std::sync::LazyLock<Vec<chrono::format::Item<'static>>> =
    std::sync::LazyLock::new(|| items("%a %-d %b %Y, %H:%M"));
static LONG_DATE: std::sync::LazyLock<Vec<chrono::format::Item<'static>>> =
    std::sync::LazyLock::new(|| items("%a %-d %b %Y"));

/// `2026-11-23 08:30`, in the time zone the session was run in.
pub(crate) fn date_time(t: &DateTime<FixedOffset>) -> String {
    t.format_with_items(DATE_TIME.iter()).to_string()
}

/// `Mon 23 Nov 2026, 08:30`.
pub(crate) fn long_date_time(t: &DateTime<FixedOffset>) -> String {
    t.format_with_items(LONG_DATE_TIME.iter()).to_string()
}

/// `Mon 23 Nov 2026`.
pub(crate) fn long_date(d: chrono::NaiveDate) -> String {
    d.format_with_items(LONG_DATE.iter()).to_string()
}

/// A text bar of planned against actual, `width` characters for `scale_ms`:
/// `=` time used within the plan, `.` planned time not used, `!` time beyond the plan.
pub(crate) fn bar(planned_ms: u64, actual_ms: u64, scale_ms: u64, width: usize) -> String {
    if scale_ms == 0 || width == 0 {
        return String::new();
    }
    let cells = |ms: u64| -> usize {
        let w = u64::try_from(width).unwrap_or(u64::MAX);
        usize::try_from((u128::from(ms) * u128::from(w)).div_ceil(u128::from(scale_ms)))
            .unwrap_or(width)
            .min(width)
    };
    let (p, a) = (cells(planned_ms), cells(actual_ms));
    if actual_ms <= planned_ms {
        format!("{}{}", "=".repeat(a), ".".repeat(p.saturating_sub(a)))
    } else {
        let p = if planned_ms > 0 { p.min(a.saturating_sub(1)) } else { 0 };
        format!("{}{}", "=".repeat(p), "!".repeat(a.saturating_sub(p).max(1)))
    }
}

/// Cuts text to `width` columns as the terminal shows them, ending with `…` when cut.
pub(crate) fn cut(text: &str, width: usize) -> String {
    crate::text::cut(text, width)
}

/// Names joined with commas, cut to about `width` characters: `Ann Lee, Ben Okafor +3`.
pub(crate) fn names(list: &[String], width: usize) -> String {
    let clean: Vec<String> = list.iter().map(|n| crate::text::sanitize(n)).collect();
    let mut out = String::new();
    for (i, n) in clean.iter().enumerate() {
        let piece = if i == 0 { n.clone() } else { format!(", {n}") };
        let left_after = clean.len() - i - 1;
        let reserve = if left_after > 0 { format!(" +{left_after}").len() } else { 0 };
        if i > 0 && text::width(&out) + text::width(&piece) + reserve > width {
            return format!("{out} +{}", clean.len() - i);
        }
        out.push_str(&piece);
    }
    cut(&out, width.max(4))
}

/// Left-aligned columns separated by two spaces (the last column is not padded), fitted in
/// `width` columns by cutting the widest of `text_columns` ([`Table::fit`]).
pub(crate) fn fitted_table(
    rows: &[Vec<String>],
    width: Option<usize>,
    text_columns: &[usize],
) -> String {
    let mut t = Table::default();
    t.fit(width, text_columns);
    for r in rows {
        t.push(r);
    }
    let mut out = String::new();
    t.write(|line| out.push_str(line));
    out
}

/// A table ([`fitted_table`]) built a row at a time and written a line at a time: each row is kept as one
/// string, so 100,000 rows take little more memory than their text.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: Vec<String>,
    widths: Vec<usize>,
    /// The width to fit in, and the text columns that may be cut to fit ([`Table::fit`]).
    fit: Option<(usize, Vec<usize>)>,
}

/// The narrowest a text column is cut to when a table is fitted to the terminal.
const NARROWEST: usize = 5;

/// Between the cells of a row kept in a [`Table`] (cells are sanitised text: never in them).
const CELL: char = '\u{1f}';

impl Table {
    pub(crate) fn push(&mut self, cells: &[String]) {
        if self.widths.len() < cells.len() {
            self.widths.resize(cells.len(), 0);
        }
        for (w, c) in self.widths.iter_mut().zip(cells) {
            *w = (*w).max(text::width(c));
        }
        self.rows.push(cells.join(&CELL.to_string()));
    }

    /// Fits the table in `width` columns (`None`: as wide as it needs), by cutting the widest of
    /// the `text_columns` (indexes) with `…`, one column at a time, no narrower than 5.
    /// Other columns (dates, times, ids) are never cut: a table that can't fit stays wider.
    pub(crate) fn fit(&mut self, width: Option<usize>, text_columns: &[usize]) {
        self.fit = width.map(|w| (w, text_columns.to_vec()));
    }

    /// Makes each column at least as wide as `widths` (those of the screen printed before it,
    /// so that the rest of a list lines up with its first screen wherever it can).
    pub(crate) fn at_least(&mut self, widths: &[usize]) {
        if self.widths.len() < widths.len() {
            self.widths.resize(widths.len(), 0);
        }
        for (w, min) in self.widths.iter_mut().zip(widths) {
            *w = (*w).max(*min);
        }
    }

    /// How many rows it holds.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The columns' widths once fitted.
    pub(crate) fn fitted(&self) -> Vec<usize> {
        let mut w = self.widths.clone();
        let Some((max, text)) = &self.fit else { return w };
        let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
        while total(&w) > *max {
            let Some(i) = text
                .iter()
                .copied()
                .filter(|&i| w.get(i).is_some_and(|&c| c > NARROWEST))
                .max_by_key(|&i| w[i])
            else {
                break;
            };
            w[i] -= 1;
        }
        w
    }

    /// Writes each line (with its newline) to `out`.
    pub(crate) fn write(&self, mut out: impl FnMut(&str)) {
        let mut line = String::new();
        let widths = self.fitted();
        for r in &self.rows {
            line.clear();
            let cells: Vec<&str> = r.split(CELL).collect();
            for (i, c) in cells.iter().enumerate() {
                let cut_cell;
                let c = if text::width(c) > widths[i] {
                    cut_cell = cut(c, widths[i]);
                    cut_cell.as_str()
                } else {
                    c
                };
                line.push_str(c);
                if i + 1 < cells.len() {
                    let pad = widths[i] - text::width(c) + 2;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            let end = line.trim_end().len();
            line.truncate(end);
            line.push('\n');
            out(&line);
        }
    }
}

/// `once`, `twice`, `3 times`.
pub(crate) fn times(n: u32) -> String {
    match n {
        1 => "once".into(),
        2 => "twice".into(),
        _ => format!("{n} times"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_to_the_second() {
        assert_eq!(dur(240_000), "4:00");
        assert_eq!(dur(269_600), "4:30");
        assert_eq!(dur(3_723_000), "1:02:03");
        assert_eq!(over(0), "-");
        assert_eq!(over(30_000), "+0:30");
        assert_eq!(secs(240_000), "240");
        assert_eq!(secs(243_500), "243.5");
        assert_eq!(secs(5), "0.005");
        assert_eq!(signed(-60_000), "-1:00");
        assert_eq!(signed(30_000), "+0:30");
        assert_eq!(signed(0), "0:00");
    }

    #[test]
    fn bars_show_overrun_with_a_different_character() {
        assert_eq!(bar(240_000, 120_000, 480_000, 8), "==..");
        assert_eq!(bar(240_000, 480_000, 480_000, 8), "====!!!!");
        assert_eq!(bar(240_000, 240_000, 480_000, 8), "====");
        assert_eq!(bar(240_000, 241_000, 480_000, 8), "====!");
    }

    #[test]
    fn a_table_too_wide_is_cut_in_its_widest_text_column_only() {
        let rows: Vec<Vec<String>> = [
            ["WHEN", "GROUP", "PEOPLE", "ID"],
            [
                "2026-11-02 09:00",
                "Year 9 team",
                "Ann Lee, Ben Okafor, Cat Diaz",
                "20261102-090000-000",
            ],
        ]
        .iter()
        .map(|r| r.iter().map(|c| (*c).to_string()).collect())
        .collect();
        let wide = fitted_table(&rows, None, &[1, 2]);
        assert!(wide.lines().any(|l| l.contains("Ann Lee, Ben Okafor, Cat Diaz")));
        let narrow = fitted_table(&rows, Some(70), &[1, 2]);
        for line in narrow.lines() {
            assert!(text::width(line) <= 70, "{line:?} is {} wide", text::width(line));
        }
        assert!(narrow.contains("Year 9 team"), "only the widest column is cut:\n{narrow}");
        assert!(narrow.contains("Ann Lee, Ben Okaf…  2026"), "cut to what fits: {narrow}");
        assert!(narrow.contains("20261102-090000-000") && narrow.contains("2026-11-02 09:00"));
        // Too narrow for the columns that are never cut: the text columns stop at 5.
        let tiny = fitted_table(&rows, Some(10), &[1, 2]);
        assert!(tiny.lines().nth(1).is_some_and(|l| l.contains("Year…  Ann …")), "{tiny}");
    }

    #[test]
    fn long_name_lists_are_shortened_with_a_count() {
        let n: Vec<String> = ["Ann Lee", "Ben Okafor", "Cat Diaz", "Dev Patel"]
            .iter()
            .map(|s| (*s).into())
            .collect();
        assert_eq!(names(&n, 60), "Ann Lee, Ben Okafor, Cat Diaz, Dev Patel");
        assert_eq!(names(&n, 24), "Ann Lee, Ben Okafor +2");
    }
}
