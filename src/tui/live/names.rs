//! Names, shortened to fit the projected screen: full names, then first names, then initials,
//! then the first few and "and 3 more". A cue or a group line tries each way in turn and takes
//! the first that fits; a role is never dropped, only its holders' names get shorter.

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

/// The ways to write `count` names, longest first.
pub fn ways(count: usize) -> Vec<Names> {
    let mut ways = vec![Names::Full, Names::First, Names::Initials];
    ways.extend((1..count).rev().map(Names::FirstFew));
    ways
}

/// The names written one way, joined with commas (sanitised).
pub fn write(names: &[String], way: Names) -> String {
    let firsts = || -> Vec<String> {
        names
            .iter()
            .map(|n| {
                let first = first_name(n);
                let shared = names.iter().filter(|m| first_name(m) == first).count() > 1;
                match last_initial(n).filter(|_| shared) {
                    Some(i) => format!("{first} {i}."),
                    None => first.to_string(),
                }
            })
            .collect()
    };
    let list = match way {
        Names::Full => names.to_vec(),
        Names::First => firsts(),
        Names::Initials => names.iter().map(|n| initials(n)).collect(),
        Names::FirstFew(n) => {
            let mut few: Vec<String> = firsts().into_iter().take(n).collect();
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
        assert_eq!(ways(4).last(), Some(&Names::FirstFew(1)));
        assert_eq!(ways(1), [Names::Full, Names::First, Names::Initials]);
    }
}
