//! Names on the projected screen, written one way everywhere on it: first names, with a last
//! initial where two people of the session share a first name ("Fiona A.", "Fiona H."), so
//! the same person reads the same in every cue, group line and banner. Only when a list of
//! first names would take more rows than a line may have does it shorten to the first few and
//! "and 3 more". Never initials: a role is never dropped, and a line that does not fit wraps.
//!
//! The cost stays linear in the number of names: the shared first names are counted once per
//! screen ([`People`]), not compared pairwise, and only as many "first few" ways are tried as a
//! row could hold, so a roster of a thousand people costs a few dozen passes, not a million.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;

use crate::session::SessionState;
use crate::text::sanitize;

/// One way of writing a list of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Names {
    /// First names; a last initial where two people share one ("Ann L.", "Ann K.").
    First,
    /// The first `n` first names and "and 3 more".
    FirstFew(usize),
}

/// The rows a list of first names may take before it shortens to the first few.
pub(crate) const MOST_ROWS: usize = 3;

/// Everyone a screen names (the participants and the facilitator), with how many share each
/// first name: a name is written the same way wherever it appears.
pub(crate) struct People {
    firsts: HashMap<String, usize>,
}

impl People {
    /// The people of a session: its participants and its facilitator.
    pub(crate) fn of(st: &SessionState) -> Self {
        Self::from_names(st.order.iter().chain(st.setup.facilitator.iter()))
    }

    /// The people named in `all`.
    pub(crate) fn from_names<'a>(all: impl IntoIterator<Item = &'a String>) -> Self {
        let mut firsts: HashMap<String, usize> = HashMap::new();
        for n in all {
            *firsts.entry(first_name(n).to_string()).or_default() += 1;
        }
        Self { firsts }
    }

    /// How the screen writes one person: "Ann", or "Ann L." where two share "Ann" (sanitised).
    pub(crate) fn short(&self, n: &str) -> String {
        let first = first_name(n);
        let shared = self.firsts.get(first).is_some_and(|c| *c > 1);
        sanitize(&match last_initial(n).filter(|_| shared) {
            Some(i) => format!("{first} {i}."),
            None => first.to_string(),
        })
    }

    /// The names written one way, joined with commas (sanitised).
    pub(crate) fn write(&self, names: &[String], way: Names) -> String {
        let firsts = |take: usize| -> Vec<String> {
            names.iter().take(take).map(|n| self.short(n)).collect()
        };
        let list = match way {
            Names::First => firsts(names.len()),
            Names::FirstFew(n) => {
                let mut few = firsts(n);
                let more = names.len().saturating_sub(n);
                if more > 0 {
                    let last = few.pop().unwrap_or_default();
                    few.push(format!("{last} and {more} more"));
                }
                few
            }
        };
        list.join(", ")
    }
}

/// The ways to write `count` names on a row of `width` columns, longest first: first names,
/// then the first few, down from as many as a row could hold (each name takes three columns or
/// more with the comma after it): more would wrap in any case.
pub(crate) fn ways(count: usize, width: u16) -> Vec<Names> {
    let most = count.saturating_sub(1).min(usize::from(width) / 3 + 1);
    let mut ways = vec![Names::First];
    ways.extend((1..=most).rev().map(Names::FirstFew));
    ways
}

fn first_name(n: &str) -> &str {
    n.split_whitespace().next().unwrap_or(n)
}

fn last_initial(n: &str) -> Option<&str> {
    let mut words = n.split_whitespace();
    words.next()?;
    words.next_back().and_then(|w| w.graphemes(true).next())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn names_are_first_names_with_an_initial_where_shared() {
        let n = names(&["Ann Lee", "Ben Okafor", "李小龙", "Ann Kay"]);
        let people = People::from_names(&n);
        assert_eq!(people.write(&n, Names::First), "Ann L., Ben, 李小龙, Ann K.");
        assert_eq!(people.write(&n, Names::FirstFew(1)), "Ann L. and 3 more");
        assert_eq!(people.write(&n, Names::FirstFew(2)), "Ann L., Ben and 2 more");
        assert_eq!(ways(4, 80).last(), Some(&Names::FirstFew(1)));
        assert_eq!(ways(4, 80)[1], Names::FirstFew(3));
        assert_eq!(ways(1, 80), [Names::First]);
    }

    #[test]
    fn a_name_shared_with_someone_not_in_the_list_keeps_its_initial() {
        // Fiona Abernathy is a participant, Fiona Hale the facilitator: each line that names
        // one of them says which, even where the other is not on it.
        let all = names(&["Fiona Abernathy", "Ben Okafor", "Fiona Hale"]);
        let people = People::from_names(&all);
        assert_eq!(people.write(&names(&["Fiona Abernathy"]), Names::First), "Fiona A.");
        assert_eq!(people.short("Fiona Hale"), "Fiona H.");
        assert_eq!(people.short("Ben Okafor"), "Ben");
    }

    #[test]
    fn a_thousand_names_are_tried_only_as_far_as_a_row_holds() {
        let many: Vec<String> = (0..1000).map(|i| format!("Ann{} Lee", i % 10)).collect();
        // 1 + as many first few as 200 columns could hold, not 1 + 999.
        assert_eq!(ways(1000, 200).len(), 1 + 67);
        assert_eq!(ways(1000, 200)[1], Names::FirstFew(67));
        // Every "Ann0" is shared a hundred times: each keeps their last initial.
        let people = People::from_names(&many);
        assert!(
            people.write(&many, Names::FirstFew(2)).starts_with("Ann0 L., Ann1 L. and 998 more")
        );
    }
}
