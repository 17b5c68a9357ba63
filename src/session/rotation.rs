//! Who is in which group and who holds which role in each round.
//!
//! # Rotation rule
//!
//! For a group of `n` members (in roster order) the protocol's roles are expanded, in file order,
//! into `n` slots: a role with an exact count takes that many slots, and the `rest` role fills the
//! remaining ones at its position. In round `r` (from 0), member `i` holds slot `(i - r) mod n`.
//! In a triad with roles coachee, coach, observer this gives: round 1 Ann coachee, Ben coach, Cat
//! observer; round 2 Ben coachee, Cat coach, Ann observer; round 3 Cat coachee, Ann coach, Ben
//! observer. Everyone holds each role exactly once. In action learning (presenter, then the rest)
//! member `r` presents in round `r`, so the roster order is the presenting order.
//!
//! Groups follow [`super::plan`]: the roster is dealt into groups in order, the larger
//! groups first.
//!
//! # Mixed groups
//!
//! With `group.mix` (a fact key such as `school`), the roster is dealt so that the members of a
//! group differ on that fact wherever it allows: people are placed one by one, those of the most
//! common value first (ties: the value met first in the roster, then roster order), each into
//! the first group, from group 1, that has room and the fewest people of the same value; people
//! without the fact come last, into the first group with room. Within a group, members keep their
//! roster order (which sets the rotation). If dealing in order already mixes as well, the groups
//! are the plain ones. So 3 schools × 3 people given school by school (A1 A2 A3 B1 B2 B3 C1 C2
//! C3) make the trios A1 B1 C1, A2 B2 C2, A3 B3 C3. Where a value has more people than there are
//! groups, some must share one, and a warning names them.
//!
//! # Teams
//!
//! A role with `"team": true` is held together by the members whose fact `role` is its id or
//! name (any case), in every round: they are left out of the rotation, and the others rotate
//! over the remaining roles as above. With nobody in a group marked, the group's first `count`
//! members hold it (a warning says so).

use std::collections::{BTreeMap, BTreeSet};

use super::plan::{Plan, group_sizes};
use super::setup::{Facts, ROLE_FACT, fact};
use crate::protocol::{Protocol, RoleCount, RoleSpec};

/// Whether a person's `role` fact names a team role (its id or name, any case).
pub(super) fn marked(role: &RoleSpec, facts: &Facts, name: &str) -> bool {
    fact(facts, name, ROLE_FACT)
        .is_some_and(|v| v.eq_ignore_ascii_case(&role.id) || v.eq_ignore_ascii_case(&role.name))
}

/// The fewest a team role needs (its `count`).
pub(super) fn team_count(role: &RoleSpec) -> usize {
    match role.count {
        RoleCount::Exact(k) => k as usize,
        RoleCount::Rest => 0,
    }
}

/// The groups, in roster order (no facts: no mixing).
pub fn groups(p: &Protocol, order: &[String]) -> Vec<Vec<String>> {
    groups_with(p, order, &Facts::new())
}

/// The groups for this roster: in order, or mixed on `group.mix` (see the module doc).
pub fn groups_with(p: &Protocol, order: &[String], facts: &Facts) -> Vec<Vec<String>> {
    let sizes = group_sizes(p, order.len());
    let mut plain = Vec::new();
    let mut it = 0..order.len();
    for size in &sizes {
        plain.push(it.by_ref().take(*size).collect::<Vec<usize>>());
    }
    let chosen = match &p.group.mix {
        Some(key) if sizes.len() > 1 => {
            let values: Vec<Option<String>> =
                order.iter().map(|n| fact(facts, n, key).map(str::to_lowercase)).collect();
            let mixed = mix_deal(&sizes, &values);
            if clashes(&mixed, &values) < clashes(&plain, &values) { mixed } else { plain }
        }
        _ => plain,
    };
    chosen.into_iter().map(|g| g.into_iter().map(|i| order[i].clone()).collect()).collect()
}

/// Pairs of people in a group with the same value, counted as members beyond the first of
/// each value.
fn clashes(groups: &[Vec<usize>], values: &[Option<String>]) -> usize {
    groups
        .iter()
        .map(|g| {
            let mut seen: Vec<&String> = Vec::new();
            let mut extra = 0;
            for v in g.iter().filter_map(|i| values[*i].as_ref()) {
                if seen.contains(&v) {
                    extra += 1;
                } else {
                    seen.push(v);
                }
            }
            extra
        })
        .sum()
}

/// Deals people (indices into the roster) into groups of these sizes so that a group's members
/// differ on their value where possible: the most common values first.
///
/// Each person goes to the first group (by number) among the groups with room that hold the
/// fewest of their value. People of one value come one after the other, so that is dealing them
/// round the groups with room, in order, from the first: linear in the roster (with the groups
/// with room in an ordered set), where comparing each person with every group was quadratic.
fn mix_deal(sizes: &[usize], values: &[Option<String>]) -> Vec<Vec<usize>> {
    // Each value's count and first place in the roster, counted once.
    let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, v) in values.iter().enumerate() {
        if let Some(v) = v {
            seen.entry(v.as_str()).or_insert((0, i)).0 += 1;
        }
    }
    let mut people: Vec<usize> = (0..values.len()).collect();
    people.sort_by_key(|i| match &values[*i] {
        Some(v) => {
            let (count, first) = seen.get(v.as_str()).copied().unwrap_or((0, *i));
            (false, std::cmp::Reverse(count), first, *i)
        }
        None => (true, std::cmp::Reverse(0), 0, *i),
    });
    let mut groups: Vec<Vec<usize>> = sizes.iter().map(|s| Vec::with_capacity(*s)).collect();
    let mut room: BTreeSet<usize> = (0..sizes.len()).filter(|gi| sizes[*gi] > 0).collect();
    // Where the dealing of the current value goes on from, and that value.
    let mut cursor = 0;
    let mut dealing: Option<&str> = None;
    for i in people {
        let best = match values[i].as_deref() {
            // Nobody's value to avoid: the first group with room.
            None => room.first().copied(),
            Some(v) => {
                if dealing != Some(v) {
                    dealing = Some(v);
                    cursor = 0;
                }
                room.range(cursor..).next().or_else(|| room.first()).copied()
            }
        };
        let Some(gi) = best else { break };
        groups[gi].push(i);
        cursor = gi + 1;
        if groups[gi].len() >= sizes[gi] {
            room.remove(&gi);
        }
    }
    for g in &mut groups {
        g.sort_unstable();
    }
    groups
}

/// The role slots for a group of `n`, in file order with `rest` filling up.
pub fn slots(p: &Protocol, n: usize) -> Vec<String> {
    rotating_slots(p, n, false)
}

/// The slots of the roles that rotate: every role, or (`skip_teams`) those that are not team
/// roles.
fn rotating_slots(p: &Protocol, n: usize, skip_teams: bool) -> Vec<String> {
    let roles: Vec<&RoleSpec> = p.roles.iter().filter(|r| !(skip_teams && r.team)).collect();
    let fixed: usize = roles.iter().map(|r| team_count(r)).sum();
    let rest = n.saturating_sub(fixed);
    let mut out = Vec::with_capacity(n);
    for r in roles {
        let k = match r.count {
            RoleCount::Exact(k) => k as usize,
            RoleCount::Rest => rest,
        };
        out.extend(std::iter::repeat_n(r.id.clone(), k));
    }
    out.truncate(n);
    out
}

/// The team roles of a group and who holds each: the members marked for it, or (nobody marked)
/// the first `count` members not in another team.
pub fn teams(p: &Protocol, group: &[String], facts: &Facts) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for role in p.roles.iter().filter(|r| r.team) {
        let taken = |n: &String| out.iter().any(|(_, names)| names.contains(n));
        let mut names: Vec<String> =
            group.iter().filter(|n| marked(role, facts, n) && !taken(n)).cloned().collect();
        if names.is_empty() {
            names = group.iter().filter(|n| !taken(n)).take(team_count(role)).cloned().collect();
        }
        out.push((role.id.clone(), names));
    }
    out
}

/// Role held by each member of a group in a round, `(name, role id)` in roster order, with team
/// roles held by their teams (from the facts) in every round.
pub fn assignment_with(
    p: &Protocol,
    group: &[String],
    round: usize,
    facts: &Facts,
) -> Vec<(String, String)> {
    let teams = teams(p, group, facts);
    let team_of = |name: &String| {
        teams.iter().find(|(_, names)| names.contains(name)).map(|(id, _)| id.clone())
    };
    let others: Vec<&String> = group.iter().filter(|n| team_of(n).is_none()).collect();
    let n = others.len();
    let slots = rotating_slots(p, n, !teams.is_empty());
    let mut k = 0;
    group
        .iter()
        .map(|name| {
            if let Some(id) = team_of(name) {
                return (name.clone(), id);
            }
            let slot = (k + n - round % n) % n;
            k += 1;
            (name.clone(), slots.get(slot).cloned().unwrap_or_default())
        })
        .collect()
}

/// The whole roster: for each round, for each group, who holds which role.
pub fn roster(p: &Protocol, order: &[String]) -> Vec<Vec<Vec<(String, String)>>> {
    roster_with(p, order, &Facts::new())
}

/// Like [`roster`], with the groups mixed and the teams set by the facts.
pub fn roster_with(
    p: &Protocol,
    order: &[String],
    facts: &Facts,
) -> Vec<Vec<Vec<(String, String)>>> {
    let plan = Plan::new(p, order, facts, &BTreeMap::new(), None);
    (0..plan.rounds)
        .map(|r| plan.groups.iter().map(|g| assignment_with(p, g, r, facts)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Library;
    use crate::session::checks::check_setup;
    use crate::session::setup::Setup;

    fn proto(id: &str) -> Protocol {
        Library::builtin_only().get(id).expect("built-in").clone()
    }

    fn names(s: &str) -> Vec<String> {
        s.split(',').map(str::to_string).collect()
    }

    fn role_of(table: &[Vec<Vec<(String, String)>>], round: usize, who: &str) -> String {
        table[round]
            .iter()
            .flatten()
            .find(|(n, _)| n == who)
            .map(|(_, r)| r.clone())
            .expect("member present")
    }

    #[test]
    fn a_triad_holds_each_role_exactly_once() {
        let p = proto("coaching-triad");
        let t = roster(&p, &names("Ann,Ben,Cat"));
        assert_eq!(t.len(), 3);
        for who in ["Ann", "Ben", "Cat"] {
            let mut roles: Vec<String> = (0..3).map(|r| role_of(&t, r, who)).collect();
            roles.sort();
            assert_eq!(roles, ["coach", "coachee", "observer"], "{who}");
        }
        assert_eq!(role_of(&t, 0, "Ann"), "coachee");
        assert_eq!(role_of(&t, 0, "Ben"), "coach");
        assert_eq!(role_of(&t, 1, "Ben"), "coachee");
        assert_eq!(role_of(&t, 1, "Cat"), "coach");
    }

    #[test]
    fn twelve_people_make_four_triads_each_fully_rotated() {
        let p = proto("coaching-triad");
        let people = names("A1,A2,A3,B1,B2,B3,C1,C2,C3,D1,D2,D3");
        let gs = groups(&p, &people);
        assert_eq!(gs.len(), 4);
        assert_eq!(gs[1], names("B1,B2,B3"));
        let t = roster(&p, &people);
        for round in &t {
            for g in round {
                let mut roles: Vec<&str> = g.iter().map(|(_, r)| r.as_str()).collect();
                roles.sort_unstable();
                assert_eq!(roles, ["coach", "coachee", "observer"]);
            }
        }
        for who in &people {
            let mut roles: Vec<String> = (0..3).map(|r| role_of(&t, r, who)).collect();
            roles.sort();
            assert_eq!(roles, ["coach", "coachee", "observer"]);
        }
    }

    #[test]
    fn an_uneven_cohort_gets_a_group_of_four_with_two_observers_and_a_warning() {
        let p = proto("coaching-triad");
        let people = names("Ann,Ben,Cat,Dev,Eve,Fay,Gus");
        let gs = groups(&p, &people);
        assert_eq!(gs, vec![names("Ann,Ben,Cat,Dev"), names("Eve,Fay,Gus")]);
        let t = roster(&p, &people);
        for round in &t {
            let obs = round[0].iter().filter(|(_, r)| r == "observer").count();
            assert_eq!(obs, 2);
        }
        // Nobody holds a main role twice.
        for who in ["Ann", "Ben", "Cat", "Dev"] {
            let roles: Vec<String> = (0..3).map(|r| role_of(&t, r, who)).collect();
            assert!(roles.iter().filter(|r| *r == "coachee").count() <= 1);
            assert!(roles.iter().filter(|r| *r == "coach").count() <= 1);
        }
        let s = Setup::new(p, people);
        let w = check_setup(&s).expect("a warning, not a refusal");
        let text = w.join(" ");
        assert!(text.contains("7 people is not a multiple of 3"), "{text}");
        assert!(text.contains("Groups of 4 + 3"), "{text}");
        assert!(text.contains("Dev is never coachee"), "{text}");
        assert!(text.contains("Ann is never coach"), "{text}");
    }

    #[test]
    fn action_learning_presents_in_the_chosen_order() {
        let p = proto("action-learning");
        let t = roster(&p, &names("Ann,Ben,Cat,Dev,Eve"));
        assert_eq!(t.len(), 5);
        let presenters: Vec<String> = (0..5)
            .map(|r| t[r][0].iter().find(|(_, role)| role == "presenter").expect("one").0.clone())
            .collect();
        assert_eq!(presenters, names("Ann,Ben,Cat,Dev,Eve"));
        let t2 = roster(&p, &names("Dev,Ann,Ben,Cat,Eve"));
        assert_eq!(t2[0][0].iter().find(|(_, r)| r == "presenter").expect("one").0, "Dev");
    }

    /// The dealing as it was first written, comparing each person with every group: the
    /// reference the linear one must agree with.
    /// Deals people (indices into the roster) into groups of these sizes so that a group's members
    /// differ on their value where possible: the most common values first.
    fn mix_deal_pairwise(sizes: &[usize], values: &[Option<String>]) -> Vec<Vec<usize>> {
        // Each value's count and first place in the roster, counted once.
        let mut seen: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                seen.entry(v.as_str()).or_insert((0, i)).0 += 1;
            }
        }
        let mut people: Vec<usize> = (0..values.len()).collect();
        people.sort_by_key(|i| match &values[*i] {
            Some(v) => {
                let (count, first) = seen.get(v.as_str()).copied().unwrap_or((0, *i));
                (false, std::cmp::Reverse(count), first, *i)
            }
            None => (true, std::cmp::Reverse(0), 0, *i),
        });
        let mut groups: Vec<Vec<usize>> = sizes.iter().map(|s| Vec::with_capacity(*s)).collect();
        for i in people {
            let same = |g: &Vec<usize>| match &values[i] {
                Some(_) => g.iter().filter(|j| values[**j] == values[i]).count(),
                None => 0,
            };
            let best = groups
                .iter()
                .enumerate()
                .filter(|(gi, g)| g.len() < sizes[*gi])
                .min_by_key(|(gi, g)| (same(g), *gi))
                .map(|(gi, _)| gi);
            if let Some(gi) = best {
                groups[gi].push(i);
            }
        }
        for g in &mut groups {
            g.sort_unstable();
        }
        groups
    }

    #[test]
    fn mixing_deals_as_comparing_every_group_did() {
        // A small linear congruential sequence: many rosters, no dependency.
        let mut seed = 12_345_u64;
        let mut next = |m: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            usize::try_from((seed >> 33) % m).expect("small")
        };
        for _ in 0..300 {
            let groups = 1 + next(9);
            let sizes: Vec<usize> = (0..groups).map(|_| 1 + next(5)).collect();
            let n: usize = sizes.iter().sum();
            let kinds = 1 + next(6);
            let values: Vec<Option<String>> = (0..n)
                .map(|_| {
                    let k = next(u64::try_from(kinds).expect("small") + 1);
                    (k > 0).then(|| format!("school {k}"))
                })
                .collect();
            assert_eq!(
                mix_deal(&sizes, &values),
                mix_deal_pairwise(&sizes, &values),
                "{sizes:?} {values:?}"
            );
        }
    }
}
