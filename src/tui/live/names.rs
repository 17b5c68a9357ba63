//! Names, shortened to fit the projected screen: full names, then first names, then initials,
//! then the first few and "and 3 more". A cue or a group line tries each way in turn and takes
//! the first that fits; a role is never dropped, only its holders' names get shorter.
//!
//! The cost stays linear in the number of names: writing them one way is one pass (first names
//! are counted once, not compared pairwise), and only as many "first few" ways are tried as a
//! row could hold, so a roster of a thousand people costs a few dozen passes, not a million.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;

use crate::text::sanitize;

/// One way of writing a list of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    Full,
    /// First names; a last initial where two share one ("Ann L.", "Ann K.").
    First,
    /// Initials: "AL" for Ann Lee, "李" for 李小龙.
    Initials,
    /// The first `n` first names and "and 3 more".
    FirstFew(usize),
}

/// The ways to write `count` names on a row of `width` columns, longest first. The first few
/// go down from as many as a row could hold (each name takes three columns or more with the
/// comma after it): more would wrap in any case.
pub fn ways(count: usize, width: u16) -> Vec<Names> {
    let most = count.saturating_sub(1).min(usize::from(width) / 3 + 1);
    let mut ways = vec![Names::Full, Names::First, Names::Initials];
    ways.extend((1..=most).rev().map(Names::FirstFew));
    ways
}

/// The names written one way, joined with commas (sanitised).
pub fn write(names: &[String], way: Names) -> String {
    let firsts = |take: usize| -> Vec<String> {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for n in names {
            *count.entry(first_name(n)).or_default() += 1;
        }
        names
            .iter()
            .take(take)
            .map(|n| {
                let first = first_name(n);
                let shared = count.get(first).is_some_and(|c| *c > 1);
                match last_initial(n).filter(|_| shared) {
                    Some(i) => format!("{first} {i}."),
                    None => first.to_string(),
                }
            })
            .collect()
    };
    let list = match way {
        Names::Full => names.to_vec(),
        Names::First => firsts(names.len()),
        Names::Initials => names.iter().map(|n| initials(n)).collect(),
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
    sanitize(&list.join(", "))
}

fn first_name(n: &str) -> &str {
    n.split_whitespace().next().unwrap_or(n)
}

fn last_initial(n: &str) -> Option<&str> {
    let mut words = n.split_whitespace();
    words.next()?;
    words.next_back().and_then(|w| w.graphemes(true).next())
}

fn initials(n: &str) -> String {
    n.split_whitespace().filter_map(|w| w.graphemes(true).next()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn names_shorten_step_by_step() {
        let n = names(&["Ann Lee", "Ben Okafor", "李小龙", "Ann Kay"]);
        assert_eq!(write(&n, Names::Full), "Ann Lee, Ben Okafor, 李小龙, Ann Kay");
        assert_eq!(write(&n, Names::First), "Ann L., Ben, 李小龙, Ann K.");
        assert_eq!(write(&n, Names::Initials), "AL, BO, 李, AK");
        assert_eq!(write(&n, Names::FirstFew(1)), "Ann L. and 3 more");
        assert_eq!(write(&n, Names::FirstFew(2)), "Ann L., Ben and 2 more");
        assert_eq!(ways(4, 80).last(), Some(&Names::FirstFew(1)));
        assert_eq!(ways(4, 80)[3], Names::FirstFew(3));
        assert_eq!(ways(1, 80), [Names::Full, Names::First, Names::Initials]);
    }

    #[test]
    fn a_thousand_names_are_tried_only_as_far_as_a_row_holds() {
        let many: Vec<String> = (0..1000).map(|i| format!("Ann{} Lee", i % 10)).collect();
        // 3 + as many first few as 200 columns could hold, not 3 + 999.
        assert_eq!(ways(1000, 200).len(), 3 + 67);
        assert_eq!(ways(1000, 200)[3], Names::FirstFew(67));
        // Every "Ann0" is shared a hundred times: each keeps their last initial.
        assert!(write(&many, Names::FirstFew(2)).starts_with("Ann0 L., Ann1 L. and 998 more"));
    }
}
