//! How the running screen shares its rows, by priority, never by fixed rows. From most to least
//! important: the banner (the log is failing), the state word and the stage name; the countdown
//! (one line at least); the state in words and every Speak and Silent line; the message to the
//! room; a question or form
//! being answered; the countdown up to its share of the screen; who holds which role in each
//! group; the message; the next stage and the projected end; the prompts; the progress strip; the
//! footer. A lower item gives way before a higher one. What is left after them all makes the
//! countdown larger still, and the rest is spacing.

use ratatui::layout::{Constraint, Layout, Rect};

/// The rows each item would like, at the screen's width.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wants {
    pub height: u16,
    pub banner: u16,
    pub state: u16,
    pub cues: u16,
    /// The message to the room, framed (never given way before the cues).
    pub room: u16,
    pub panel: u16,
    /// The rows of each size the countdown can take, largest first, ending with one line.
    pub clock: Vec<u16>,
    pub groups: u16,
    pub message: u16,
    pub next: u16,
    /// Rows for the prompts beyond those beside the groups (two columns on a wide screen).
    pub prompts: u16,
    pub strip: u16,
    pub footer: u16,
    /// Rows for the stage name in large type (with a blank row below it); the least important
    /// item, taken only from rows that would otherwise make the countdown larger still.
    pub big_title: u16,
}

/// The rows each item gets. `clock` is an index into [`Wants::clock`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Rows {
    pub banner: u16,
    pub head: u16,
    pub title: u16,
    pub clock: usize,
    pub clock_height: u16,
    pub state: u16,
    pub cues: u16,
    pub room: u16,
    pub panel: u16,
    pub groups: u16,
    pub message: u16,
    pub next: u16,
    pub prompts: u16,
    pub strip: u16,
    pub footer: u16,
    pub big_title: u16,
    /// Rows left over, for spacing.
    pub spare: u16,
}

/// The countdown's share of the screen before the lower items are placed: two fifths of it.
fn share(height: u16) -> u16 {
    (height * 2 / 5).max(1)
}

/// Shares `w.height` rows out by priority (see the module's docs).
pub(crate) fn allocate(w: &Wants) -> Rows {
    let mut left = w.height;
    let mut take = |want: u16| {
        let got = want.min(left);
        left -= got;
        got
    };
    let mut r = Rows { banner: take(w.banner), head: take(1), title: take(1), ..Rows::default() };
    let line = take(1);
    r.state = take(w.state);
    r.cues = take(w.cues);
    r.room = take(w.room);
    r.panel = take(w.panel);
    // The largest size within `rows` (the one line is always possible once it has its row).
    let last = w.clock.len().saturating_sub(1);
    let pick = |rows: u16| w.clock.iter().position(|h| *h <= rows).unwrap_or(last);
    let rows_of = |i: usize| w.clock.get(i).copied().unwrap_or(1);
    if line == 0 {
        r.clock = last;
        r.spare = left;
        return r;
    }
    r.clock = pick(share(w.height).min(left + 1));
    let mut take = |want: u16| {
        let got = want.min(left);
        left -= got;
        got
    };
    take(rows_of(r.clock) - 1);
    r.groups = take(w.groups);
    r.message = take(w.message);
    r.next = take(w.next);
    r.prompts = take(w.prompts);
    r.strip = take(w.strip);
    r.footer = take(w.footer);
    r.big_title = take(w.big_title);
    // What is left makes the countdown larger.
    let grown = pick(rows_of(r.clock) + left);
    left -= rows_of(grown) - rows_of(r.clock);
    r.clock = grown;
    r.clock_height = rows_of(grown);
    r.spare = left;
    r
}

/// Places rows one under the other in `area`: `Some(n)` is an item of `n` rows, `None` a
/// spacer sharing what the items leave equally with the other spacers, exactly where ratatui's
/// [`Layout`] puts `Constraint::Length(n)` and `Constraint::Fill(1)` (its solver works in
/// hundredths of a row and rounds twice: so does this). Done here because the solver's tables
/// were the largest thing a frame of the live screen allocated (some 300 kB at 200x50, each time
/// the rows changed). Where the items do not fit, or nothing is a spacer, ratatui places them.
pub(crate) fn stack<const N: usize>(area: Rect, rows: [Option<u16>; N]) -> [Rect; N] {
    let fixed: u32 = rows.iter().flatten().map(|n| u32::from(*n)).sum();
    let spacers = rows.iter().filter(|r| r.is_none()).count();
    let height = u32::from(area.height);
    if spacers == 0 || fixed > height {
        let constraints = rows.map(|r| r.map_or(Constraint::Fill(1), Constraint::Length));
        return Layout::vertical(constraints).areas(area);
    }
    // Each spacer's share, in hundredths of a row.
    #[expect(clippy::cast_precision_loss, reason = "a count of spacers")]
    let share = f64::from(height - fixed) * 100.0 / spacers as f64;
    let at = |hundredths: f64| -> u16 {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "within the area, which is in u16"
        )]
        let row = ((hundredths.round() / 100.0).round()) as u16;
        row
    };
    let mut start = f64::from(area.y) * 100.0;
    rows.map(|r| {
        let end = start + r.map_or(share, |n| f64::from(n) * 100.0);
        let (y, bottom) = (at(start), at(end));
        start = end;
        Rect { y, height: bottom.saturating_sub(y), ..area }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_stacked_where_ratatuis_layout_puts_them() {
        let shapes: [[Option<u16>; 17]; 4] = [
            [
                Some(0),
                Some(1),
                Some(0),
                Some(1),
                Some(0),
                None,
                Some(18),
                Some(1),
                Some(3),
                None,
                Some(7),
                None,
                Some(1),
                Some(1),
                Some(0),
                Some(0),
                Some(1),
            ],
            [
                Some(1),
                Some(1),
                Some(6),
                Some(1),
                Some(5),
                None,
                Some(4),
                Some(1),
                Some(0),
                None,
                Some(0),
                None,
                Some(1),
                Some(1),
                Some(7),
                Some(1),
                Some(0),
            ],
            [Some(0); 17].map(|_| None),
            [
                Some(2),
                Some(1),
                Some(0),
                Some(1),
                Some(0),
                None,
                Some(1),
                Some(1),
                Some(1),
                None,
                Some(2),
                None,
                Some(1),
                Some(1),
                Some(0),
                Some(0),
                Some(1),
            ],
        ];
        for shape in shapes {
            for height in 0..=90 {
                for y in [0, 3] {
                    let area = Rect::new(2, y, 50, height);
                    let constraints =
                        shape.map(|r| r.map_or(Constraint::Fill(1), Constraint::Length));
                    let want: [Rect; 17] = Layout::vertical(constraints).areas(area);
                    assert_eq!(stack(area, shape), want, "{shape:?} in {area:?}");
                }
            }
        }
    }

    fn wants(height: u16) -> Wants {
        Wants {
            height,
            state: 1,
            cues: 3,
            clock: vec![21, 18, 14, 11, 7, 4, 1],
            groups: 4,
            next: 1,
            prompts: 3,
            strip: 1,
            footer: 1,
            ..Wants::default()
        }
    }

    #[test]
    fn lower_items_give_way_first() {
        // Plenty of room: everything, and the rest to the countdown.
        let r = allocate(&wants(35));
        assert_eq!((r.cues, r.groups, r.next, r.prompts, r.strip, r.footer), (3, 4, 1, 3, 1, 1));
        assert_eq!(r.clock_height, 18);
        // Short: the footer goes first, then the strip and the prompts; never a cue.
        let r = allocate(&wants(22));
        assert_eq!((r.cues, r.groups, r.next, r.prompts, r.strip), (3, 4, 1, 3, 1));
        assert_eq!((r.clock_height, r.footer), (7, 0));
        let r = allocate(&wants(16));
        assert_eq!((r.state, r.cues, r.clock_height), (1, 3, 4));
        assert_eq!(r.footer, 0);
    }

    #[test]
    fn a_panel_takes_rows_from_the_lower_items_and_then_the_countdown() {
        let mut w = wants(35);
        w.panel = 7;
        let r = allocate(&w);
        assert_eq!((r.cues, r.panel), (3, 7));
        assert!(r.clock_height >= 14, "{r:?}");
        w.height = 24;
        let r = allocate(&w);
        assert_eq!((r.cues, r.panel, r.clock_height), (3, 7, 7));
    }

    #[test]
    fn the_large_stage_name_takes_only_what_would_have_grown_the_countdown() {
        let mut w = wants(35);
        w.big_title = 5;
        let r = allocate(&w);
        assert_eq!((r.cues, r.groups, r.prompts, r.footer, r.big_title), (3, 4, 3, 1, 5));
        assert_eq!(r.clock_height, 14);
        let r = allocate(&Wants { height: 22, ..w });
        assert_eq!((r.footer, r.big_title, r.clock_height), (0, 0, 7));
    }
}
