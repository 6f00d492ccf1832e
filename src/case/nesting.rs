//! Group membership through nested groups, and the cycles that nesting can form.
//!
//! RFC 7644 section 3.7.1 shows two groups that are members of each other, so the walk
//! keeps a visited set per group and reports each cycle instead of following it.
//!
//! The stored closure stops at [`MAX_DEPTH`] levels. Without a cap, a chain of N groups
//! stores about N²/2 memberships with paths up to N keys long, so a small file of a few
//! thousand nested groups would exhaust memory.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use duckdb::{Connection, params};

use crate::Result;

/// A direct membership: `group` lists `member`, both as identity keys.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub group: String,
    pub member: String,
}

/// A membership with the path of groups that grants it, from the group that lists the
/// member up to `group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub member: String,
    pub group: String,
    pub path: Vec<String>,
}

/// The longest path of groups stored for one effective membership.
pub const MAX_DEPTH: usize = 32;

/// The effective memberships and cycles of a snapshot, and the groups whose nesting runs
/// deeper than [`MAX_DEPTH`], so that some of their memberships are not stored.
#[derive(Debug, Default)]
pub struct Expansion {
    pub effective: Vec<Effective>,
    pub cycles: Vec<Vec<String>>,
    pub capped: Vec<String>,
}

/// Expands direct memberships into effective ones (shortest path for each member and
/// group, up to [`MAX_DEPTH`] groups long) and finds the cycles among groups. `groups`
/// are the keys that are groups.
pub fn expand(edges: &[Edge], groups: &BTreeSet<String>) -> Expansion {
    let mut children: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for edge in edges {
        children
            .entry(edge.group.as_str())
            .or_default()
            .push(edge.member.as_str());
    }
    let mut expansion = Expansion {
        cycles: cycles(&children, groups),
        ..Expansion::default()
    };
    for top in groups {
        let (members, capped) = members_of(top, &children);
        expansion.effective.extend(members);
        if capped {
            expansion.capped.push(top.clone());
        }
    }
    expansion
}

/// Walks down from `top` breadth first, so each member is reached by a shortest path, and
/// stops [`MAX_DEPTH`] groups down. Returns whether nesting went deeper than that.
fn members_of(top: &str, children: &BTreeMap<&str, Vec<&str>>) -> (Vec<Effective>, bool) {
    let mut capped = false;
    let mut out = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::from([top]);
    // Each entry is a group and the path from it up to `top`.
    let mut queue: VecDeque<(&str, Vec<String>)> = VecDeque::from([(top, vec![top.to_string()])]);
    while let Some((group, path)) = queue.pop_front() {
        for &member in children.get(group).map(Vec::as_slice).unwrap_or_default() {
            if !seen.insert(member) {
                continue;
            }
            out.push(Effective {
                member: member.to_string(),
                group: top.to_string(),
                path: path.clone(),
            });
            if !children.contains_key(member) {
                continue;
            }
            if path.len() >= MAX_DEPTH {
                capped = true;
                continue;
            }
            let mut longer = vec![member.to_string()];
            longer.extend(path.iter().cloned());
            queue.push_back((member, longer));
        }
    }
    (out, capped)
}

/// Finds cycles by depth-first search: each edge back to a group on the current stack
/// closes one. Each cycle is rotated to start at its smallest key and reported once.
/// A group graph can hold more elementary cycles than are reported here, but every group
/// that lies on a cycle is in at least one reported cycle.
fn cycles(children: &BTreeMap<&str, Vec<&str>>, groups: &BTreeSet<String>) -> Vec<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        OnStack,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = HashMap::new();
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in groups {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        // An explicit stack of (group, index of the next child) keeps deep nesting from
        // overflowing the call stack.
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        marks.insert(start.as_str(), Mark::OnStack);
        while let Some((group, next)) = stack.last_mut() {
            let list = children.get(*group).map(Vec::as_slice).unwrap_or_default();
            let Some(&child) = list.get(*next) else {
                marks.insert(group, Mark::Done);
                stack.pop();
                continue;
            };
            *next += 1;
            match marks.get(child) {
                Some(Mark::OnStack) => {
                    let from = stack.iter().position(|(g, _)| *g == child).unwrap_or(0);
                    let cycle: Vec<String> =
                        stack[from..].iter().map(|(g, _)| g.to_string()).collect();
                    found.insert(rotate(cycle));
                }
                Some(Mark::Done) => {}
                None if children.contains_key(child) => {
                    marks.insert(child, Mark::OnStack);
                    stack.push((child, 0));
                }
                None => {}
            }
        }
    }
    found.into_iter().collect()
}

/// Rotates a cycle to start at its smallest key, in the direction member-of: a group
/// followed by the group that lists it.
fn rotate(mut cycle: Vec<String>) -> Vec<String> {
    // The stack runs from a group down to its members, so reversing gives member-of order.
    cycle.reverse();
    if let Some(min) = (0..cycle.len()).min_by_key(|&i| &cycle[i]) {
        cycle.rotate_left(min);
    }
    cycle
}

/// Recomputes a snapshot's effective memberships and group cycles. Returns the expansion
/// with only the cycles that were not recorded before, each as its group keys.
pub fn refresh(conn: &Connection, snapshot_id: i64) -> Result<Expansion> {
    let (edges, groups) = read_edges(conn, snapshot_id)?;
    let Expansion {
        effective,
        cycles,
        capped,
    } = expand(&edges, &groups);
    let before = recorded_cycles(conn, snapshot_id)?;

    conn.execute(
        "DELETE FROM effective_memberships WHERE snapshot_id = ?",
        params![snapshot_id],
    )?;
    conn.execute(
        "DELETE FROM group_cycles WHERE snapshot_id = ?",
        params![snapshot_id],
    )?;
    let mut rows = conn.appender("effective_memberships")?;
    for item in &effective {
        rows.append_row(params![
            snapshot_id,
            item.member,
            item.group,
            item.path.len() as i64,
            serde_json::to_string(&item.path)?,
        ])?;
    }
    rows.flush()?;
    drop(rows);

    let mut rows = conn.appender("group_cycles")?;
    for cycle in &cycles {
        rows.append_row(params![snapshot_id, serde_json::to_string(cycle)?])?;
    }
    rows.flush()?;

    let cycles = cycles
        .into_iter()
        .filter(|cycle| !before.contains(cycle))
        .collect();
    Ok(Expansion {
        effective,
        cycles,
        capped,
    })
}

/// Reads the snapshot's memberships with each member resolved to an identity key: a
/// member of type Group, or without a type, to the group with that id, else to the
/// non-group identity with that id. Members that match no identity are left out. A
/// resource's `groups` attribute adds a membership too, so that a snapshot whose groups
/// do not list their members still nests.
fn read_edges(conn: &Connection, snapshot_id: i64) -> Result<(Vec<Edge>, BTreeSet<String>)> {
    // NOTE: the case does not keep a `groups` value's `type`, so an `indirect` entry
    // (RFC 7643 section 4.1.2 allows them) is read as a direct membership.
    let mut stmt = conn.prepare(
        "SELECT DISTINCT group_key, member_key FROM (
             SELECT m.group_key, coalesce(g.identity_key, u.identity_key) AS member_key
             FROM memberships m
             LEFT JOIN identities g ON g.snapshot_id = m.snapshot_id AND g.scim_id = m.member_value
                  AND g.kind = 'group' AND coalesce(lower(m.member_type), 'group') = 'group'
             LEFT JOIN identities u ON u.snapshot_id = m.snapshot_id AND u.scim_id = m.member_value
                  AND u.kind <> 'group' AND coalesce(lower(m.member_type), '') <> 'group'
             WHERE m.snapshot_id = $1 AND coalesce(g.identity_key, u.identity_key) IS NOT NULL
             QUALIFY row_number() OVER (PARTITION BY m.group_key, m.member_value
                                        ORDER BY g.identity_key NULLS LAST, u.identity_key) = 1
             UNION ALL
             SELECT g.identity_key, e.identity_key
             FROM entitlements e
             JOIN identities g ON g.snapshot_id = e.snapshot_id AND g.scim_id = e.value
                  AND g.kind = 'group' AND g.identity_key <> e.identity_key
             WHERE e.snapshot_id = $1 AND e.kind = 'group' AND e.granted_via = 'groups attribute'
         )
         ORDER BY 1, 2",
    )?;
    let edges = stmt
        .query_map(params![snapshot_id], |row| {
            Ok(Edge {
                group: row.get(0)?,
                member: row.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn
        .prepare("SELECT identity_key FROM identities WHERE snapshot_id = ? AND kind = 'group'")?;
    let groups = stmt
        .query_map(params![snapshot_id], |row| row.get::<_, String>(0))?
        .collect::<Result<BTreeSet<_>, _>>()?;
    Ok((edges, groups))
}

fn recorded_cycles(conn: &Connection, snapshot_id: i64) -> Result<BTreeSet<Vec<String>>> {
    let mut stmt = conn.prepare("SELECT cycle FROM group_cycles WHERE snapshot_id = ?")?;
    let texts = stmt
        .query_map(params![snapshot_id], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(texts
        .iter()
        .filter_map(|text| serde_json::from_str(text).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(group: &str, member: &str) -> Edge {
        Edge {
            group: group.into(),
            member: member.into(),
        }
    }

    fn groups(keys: &[&str]) -> BTreeSet<String> {
        keys.iter().map(|k| k.to_string()).collect()
    }

    #[test]
    fn nested_membership_has_path() {
        let edges = [edge("Group/a", "User/u"), edge("Group/b", "Group/a")];
        let Expansion {
            effective, cycles, ..
        } = expand(&edges, &groups(&["Group/a", "Group/b"]));
        let via_b = effective
            .iter()
            .find(|e| e.member == "User/u" && e.group == "Group/b")
            .expect("u is in b through a");
        assert_eq!(via_b.path, ["Group/a", "Group/b"]);
        assert!(cycles.is_empty());
    }

    #[test]
    fn two_group_cycle_reported() {
        let edges = [edge("Group/a", "Group/b"), edge("Group/b", "Group/a")];
        let Expansion {
            effective, cycles, ..
        } = expand(&edges, &groups(&["Group/a", "Group/b"]));
        assert_eq!(cycles, [vec!["Group/a".to_string(), "Group/b".to_string()]]);
        assert_eq!(effective.len(), 2, "{effective:?}");
    }

    #[test]
    fn three_group_cycle_reported_once() {
        let edges = [
            edge("Group/a", "Group/b"),
            edge("Group/b", "Group/c"),
            edge("Group/c", "Group/a"),
            edge("Group/c", "User/u"),
        ];
        let Expansion {
            effective, cycles, ..
        } = expand(&edges, &groups(&["Group/a", "Group/b", "Group/c"]));
        assert_eq!(cycles.len(), 1);
        // b is a member of a, c of b, a of c: member-of order from the smallest key.
        assert_eq!(cycles[0], ["Group/a", "Group/c", "Group/b"]);
        let u_in: BTreeSet<&str> = effective
            .iter()
            .filter(|e| e.member == "User/u")
            .map(|e| e.group.as_str())
            .collect();
        assert_eq!(u_in, BTreeSet::from(["Group/a", "Group/b", "Group/c"]));
    }

    #[test]
    fn self_membership_is_a_cycle() {
        let cycles = expand(&[edge("Group/a", "Group/a")], &groups(&["Group/a"])).cycles;
        assert_eq!(cycles, [vec!["Group/a".to_string()]]);
    }

    #[test]
    fn shortest_path_wins() {
        let edges = [
            edge("Group/top", "Group/mid"),
            edge("Group/mid", "User/u"),
            edge("Group/top", "User/u"),
        ];
        let effective = expand(&edges, &groups(&["Group/top", "Group/mid"])).effective;
        let top = effective
            .iter()
            .find(|e| e.member == "User/u" && e.group == "Group/top")
            .unwrap();
        assert_eq!(top.path, ["Group/top"]);
    }

    /// Builds a chain of `depth` groups, each a member of the next, with a user in the first.
    fn chain(depth: usize) -> (Vec<Edge>, BTreeSet<String>) {
        let key = |i: usize| format!("Group/n{i}");
        let mut edges = vec![edge(&key(0), "User/u")];
        edges.extend((1..depth).map(|i| edge(&key(i), &key(i - 1))));
        (edges, (0..depth).map(key).collect())
    }

    #[test]
    fn deep_chain_stops_at_cap() {
        let (edges, groups) = chain(MAX_DEPTH + 8);
        let expansion = expand(&edges, &groups);
        let longest = expansion.effective.iter().map(|e| e.path.len()).max();
        assert_eq!(longest, Some(MAX_DEPTH));
        assert_eq!(expansion.capped.len(), 8, "{:?}", expansion.capped);
    }

    #[test]
    fn shallow_chain_is_not_capped() {
        let (edges, groups) = chain(MAX_DEPTH);
        let expansion = expand(&edges, &groups);
        assert!(expansion.capped.is_empty());
        let user_in = expansion.effective.iter().filter(|e| e.member == "User/u");
        assert_eq!(user_in.count(), MAX_DEPTH);
    }

    #[test]
    fn long_chain_stays_linear() {
        let (edges, groups) = chain(3000);
        let started = std::time::Instant::now();
        let expansion = expand(&edges, &groups);
        assert!(expansion.effective.len() <= 3000 * MAX_DEPTH);
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
