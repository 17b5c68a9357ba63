//! Arithmetic that depends only on a protocol and a head count: how the participants split into
//! parallel groups, how many rounds a session has, and the planned total.
//!
//! # The grouping rule
//!
//! A protocol with `group.split_into = s` puts `n` participants, in the order given, into
//! `max(1, n / s)` groups. The remainder `n % s` is dealt one person at a time to the groups from
//! the first, so groups differ in size by at most one and the larger groups come first:
//! 7 → 4 + 3; 10 → 4 + 3 + 3; 11 → 4 + 4 + 3; 5 → 5 (one group). Member `k` of group `g` is the
//! `k`-th person dealt to it: participants are dealt in order, group by group.

use super::model::{Protocol, Rounds};

/// Sizes of the parallel groups for `n` participants (one group when the protocol does not split).
pub fn group_sizes(p: &Protocol, n: usize) -> Vec<usize> {
    let Some(size) = p.group.split_into.map(|s| s as usize).filter(|s| *s > 0) else {
        return vec![n];
    };
    let count = (n / size).max(1);
    let mut sizes = vec![n / count; count];
    for extra in sizes.iter_mut().take(n % count) {
        *extra += 1;
    }
    sizes
}

/// Number of rounds for groups of these sizes.
///
/// `per-member` uses the smallest group, so nobody holds the first role twice; `role-cycle` has
/// one round per role.
pub fn round_count(p: &Protocol, sizes: &[usize]) -> usize {
    rounds_with_smallest_group(p, sizes.iter().copied().min().unwrap_or(1))
}

fn rounds_with_smallest_group(p: &Protocol, smallest: usize) -> usize {
    match p.rotation.rounds {
        Rounds::Once => 1,
        Rounds::Fixed(n) => n as usize,
        Rounds::RoleCycle => p.roles.len().max(1),
        Rounds::PerMember => smallest.max(1),
    }
}

/// The size of the smallest group [`group_sizes`] makes for `n` participants, without making
/// them: `n` comes from the command line and can be anything.
pub fn smallest_group(p: &Protocol, n: usize) -> usize {
    match p.group.split_into.map(|s| s as usize).filter(|s| *s > 0) {
        Some(size) => n / (n / size).max(1),
        None => n,
    }
}

/// Number of rounds for a session of `n` people: `round_count(p, &group_sizes(p, n))`.
pub fn rounds_for(p: &Protocol, n: usize) -> usize {
    rounds_with_smallest_group(p, smallest_group(p, n))
}

/// The planned length in seconds of a session of `n` people, with the protocol's own durations
/// (`u64::MAX` if that overflows).
pub fn planned_total(p: &Protocol, n: usize) -> u64 {
    let rounds = rounds_for(p, n) as u64;
    let sum = |stages: &[super::StageSpec]| -> u64 {
        stages
            .iter()
            .filter(|s| s.runs_in(1))
            .filter_map(super::StageSpec::duration_secs)
            .fold(0, u64::saturating_add)
    };
    sum(&p.opening)
        .saturating_add(rounds.saturating_mul(sum(&p.round)))
        .saturating_add(sum(&p.closing))
}

/// A sensible head count to quote totals for when none is given: the most the protocol takes,
/// or its minimum when it has no maximum.
pub fn typical_people(p: &Protocol) -> usize {
    p.group.max.unwrap_or(p.group.min).max(p.group.min) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::library::Library;

    fn builtin(id: &str) -> Protocol {
        Library::builtin_only().get(id).expect("built-in exists").clone()
    }

    #[test]
    fn triads_split_fairly() {
        let p = builtin("coaching-triad");
        assert_eq!(group_sizes(&p, 12), vec![3, 3, 3, 3]);
        assert_eq!(group_sizes(&p, 7), vec![4, 3]);
        assert_eq!(group_sizes(&p, 10), vec![4, 3, 3]);
        assert_eq!(group_sizes(&p, 11), vec![4, 4, 3]);
        assert_eq!(group_sizes(&p, 5), vec![5]);
        assert_eq!(group_sizes(&p, 3), vec![3]);
    }

    #[test]
    fn unsplit_protocols_keep_one_group() {
        let p = builtin("action-learning");
        assert_eq!(group_sizes(&p, 5), vec![5]);
        assert_eq!(round_count(&p, &[5]), 5);
        assert_eq!(round_count(&p, &[3]), 3);
    }

    #[test]
    fn rounds_for_matches_the_groups_it_does_not_make() {
        for id in ["coaching-triad", "action-learning", "project-tuning"] {
            let p = builtin(id);
            for n in 0..40 {
                assert_eq!(rounds_for(&p, n), round_count(&p, &group_sizes(&p, n)), "{id} {n}");
                assert_eq!(
                    smallest_group(&p, n),
                    group_sizes(&p, n).into_iter().min().unwrap_or(0)
                );
            }
            assert!(planned_total(&p, usize::MAX) > 0);
        }
    }

    #[test]
    fn project_tuning_is_24_minutes() {
        assert_eq!(planned_total(&builtin("project-tuning"), 4), 24 * 60);
    }
}
