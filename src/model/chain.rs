//! Part of the resolve stage: the chain of procedures. One guide issues a document (`produces`),
//! later ones reuse it; an either-or group (`one_of`) is met by any one member, and only a cycle
//! that no order can break is an error. Also `covers` (guides walked through together).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diagnostics::{Diagnostic, Diagnostics, nearest};
use crate::model::*;
use crate::source::parse::ParsedSite;

/// A guide's id, title, department, material uses and the guides it covers, as link_chain
/// reads them while it changes the guides.
type GuideSnapshot = (String, String, String, Vec<MaterialUseView>, Vec<GuideLink>);

/// Resolves each guide's `covers`: the ids of other guides it walks through together.
pub(crate) fn link_covers(parsed: &ParsedSite, guides: &mut [Guide], diagnostics: &mut Diagnostics) {
    let titles: BTreeMap<String, String> = guides.iter().map(|g| (g.id.clone(), g.title.clone())).collect();
    let place: HashMap<String, usize> = guides.iter().enumerate().map(|(i, g)| (g.id.clone(), i)).collect();
    for parsed_guide in &parsed.guides {
        let Some(&i) = place.get(parsed_guide.id.as_str()) else {
            continue;
        };
        let guide = &mut guides[i];
        for id in &parsed_guide.toml.covers {
            let wanted = id.get_ref().as_str();
            if wanted == guide.id {
                diagnostics.push(
                    Diagnostic::error(&parsed_guide.file, Some(id.span()), "a guide cannot cover itself")
                        .with_hint("`covers` lists the other guides this one walks through together"),
                );
                continue;
            }
            match titles.get(wanted) {
                Some(title) => guide.covers.push(GuideLink {
                    id: wanted.to_owned(),
                    title: title.clone(),
                }),
                None => {
                    // A guide that exists but has errors was reported already.
                    let exists = parsed.guides.iter().any(|g| g.id.as_str() == wanted) || !parsed.all_guides_parsed;
                    if !exists {
                        let d = Diagnostic::error(&parsed_guide.file, Some(id.span()), format!("no guide `{wanted}`"))
                            .with_label("unknown guide");
                        diagnostics.push(match nearest(wanted, parsed.guides.iter().map(|g| g.id.as_str())) {
                            Some(best) => d.with_hint(format!("did you mean `{best}`?")),
                            None => d.with_hint("`covers` lists guide folder names under guides/"),
                        });
                    }
                }
            }
        }
    }
}

/// Links procedures through the documents they issue and reuse, and refuses orders that
/// cannot be met. An either-or group (`one_of`) is met by any one of its members, and a
/// material needed only in some cases (`required = false`) imposes no order.
pub(crate) fn link_chain(
    parsed: &ParsedSite,
    guides: &mut [Guide],
    materials: &mut [Material],
    diagnostics: &mut Diagnostics,
) {
    let sources = Sources::of(guides);
    for material in materials.iter_mut() {
        material.produced_by = sources.producers.get(&material.id).cloned().unwrap_or_default();
    }
    let snapshot: Vec<GuideSnapshot> = guides
        .iter()
        .map(|g| {
            (
                g.id.clone(),
                g.title.clone(),
                g.department.clone(),
                g.materials.clone(),
                g.covers.clone(),
            )
        })
        .collect();
    // guide id -> for each need that must be met, the guides any one of which meets it
    let mut hard_needs: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for guide in guides.iter_mut() {
        sources.link_reuse(guide);
        let (needs, hard) = sources.needs(guide);
        guide.needs = needs;
        if !hard.is_empty() {
            hard_needs.insert(guide.id.clone(), hard);
        }
    }
    link_feeds(guides, &snapshot);
    if let Some(cycle) = dead_end(&hard_needs) {
        let first = &cycle[0];
        let parsed_guide = parsed.guides.iter().find(|g| g.id.as_str() == first);
        let (file, span) = match parsed_guide {
            Some(g) => (g.file.clone(), g.toml.produces.first().map(|p| p.span())),
            None => (String::new(), None),
        };
        diagnostics.push(
            Diagnostic::error(file, span, format!("a cycle in what the procedures issue and need: {}", cycle.join(" → ")))
                .with_hint("each procedure may only reuse documents issued by procedures before it; check `produces` and the materials lists (alternatives of which one is enough share a `one_of`)"),
        );
    }
}

/// Where each material comes from: the guides that issue it, the guides that collect it from
/// the applicant, and each guide's department.
struct Sources {
    /// material id -> the guides that issue it
    producers: BTreeMap<String, Vec<GuideLink>>,
    /// material id -> guides that collect it from the applicant (not reused)
    collectors: BTreeMap<String, Vec<String>>,
    /// guide id -> its department
    department: BTreeMap<String, String>,
}

impl Sources {
    fn of(guides: &[Guide]) -> Sources {
        let mut producers: BTreeMap<String, Vec<GuideLink>> = BTreeMap::new();
        for guide in guides {
            for product in &guide.produces {
                producers.entry(product.id.clone()).or_default().push(GuideLink {
                    id: guide.id.clone(),
                    title: guide.title.clone(),
                });
            }
        }
        let department = guides.iter().map(|g| (g.id.clone(), g.department.clone())).collect();
        let mut collectors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for guide in guides {
            for usage in guide.materials.iter().filter(|u| !u.reused) {
                collectors.entry(usage.id.clone()).or_default().push(guide.id.clone());
            }
        }
        Sources {
            producers,
            collectors,
            department,
        }
    }

    /// Whether guide `other` is of the department `here`.
    fn same(&self, here: &str, other: &str) -> bool {
        self.department.get(other).is_some_and(|d| *d == here)
    }

    /// Each material of `guide`: the first other guide that issues it, and for a reused one
    /// whether the reuse is confirmed.
    fn link_reuse(&self, guide: &mut Guide) {
        let here = guide.department.clone();
        for usage in guide.materials.iter_mut() {
            let issued_by: Vec<&GuideLink> = self
                .producers
                .get(&usage.id)
                .into_iter()
                .flatten()
                .filter(|p| p.id != guide.id)
                .collect();
            usage.produced_by = issued_by.first().map(|p| (*p).clone());
            if usage.reused {
                // Reuse is confirmed only within one department; the sources are the procedures
                // that issue the document or collect it first.
                let collected = self
                    .collectors
                    .get(&usage.id)
                    .into_iter()
                    .flatten()
                    .filter(|g| **g != guide.id);
                usage.reuse_confirmed = issued_by
                    .iter()
                    .map(|p| p.id.as_str())
                    .chain(collected.map(String::as_str))
                    .any(|other| self.same(&here, other));
            }
        }
    }

    /// What `guide` needs from procedures before it, one need per material or either-or group
    /// that another procedure issues; and of those, the needs that must be met (each as the
    /// guides any one of which meets it).
    fn needs(&self, guide: &Guide) -> (Vec<ChainNeed>, Vec<Vec<String>>) {
        // Groups in the order of their first member; a material without `one_of` is a group of one.
        let mut groups: Vec<Vec<&MaterialUseView>> = Vec::new();
        for usage in &guide.materials {
            match groups
                .iter_mut()
                .find(|g| usage.one_of.is_some() && g[0].one_of == usage.one_of)
            {
                Some(group) => group.push(usage),
                None => groups.push(vec![usage]),
            }
        }
        let mut needs = Vec::new();
        let mut hard = Vec::new();
        for group in groups {
            let mut links = Vec::new();
            let mut or_provide = Vec::new();
            for usage in &group {
                // A procedure this guide covers is part of it, not a procedure before it.
                let issued_by: Vec<&GuideLink> = self
                    .producers
                    .get(&usage.id)
                    .into_iter()
                    .flatten()
                    .filter(|p| p.id != guide.id && !guide.covers.iter().any(|c| c.id == p.id))
                    .collect();
                if issued_by.is_empty() {
                    or_provide.push(usage.name.clone());
                }
                for producer in issued_by {
                    links.push(ChainLink {
                        guide: producer.id.clone(),
                        guide_title: producer.title.clone(),
                        material: usage.id.clone(),
                        material_name: usage.name.clone(),
                        condition: usage.condition.clone(),
                        one_of_label: usage.one_of_label.clone(),
                        alternatives: usage.alternatives.iter().map(|a| a.name.clone()).collect(),
                        same_authority: self.same(&guide.department, &producer.id),
                    });
                }
            }
            if links.is_empty() {
                continue;
            }
            let required = group.iter().all(|u| u.required);
            if required && or_provide.is_empty() {
                hard.push(links.iter().map(|l| l.guide.clone()).collect());
            }
            needs.push(ChainNeed {
                links,
                or_provide,
                one_of_label: group[0].one_of_label.clone(),
                required,
            });
        }
        (needs, hard)
    }
}

/// Each guide's later procedures: the guides that use what it issues (a guide that covers it
/// is no later procedure).
fn link_feeds(guides: &mut [Guide], snapshot: &[GuideSnapshot]) {
    // material id -> (consumer, use) in the order of the guides and of their materials
    let mut users: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    for (c, (_, _, _, uses, _)) in snapshot.iter().enumerate() {
        for (u, usage) in uses.iter().enumerate() {
            users.entry(usage.id.as_str()).or_default().push((c, u));
        }
    }
    for guide in guides.iter_mut() {
        let mut found: Vec<(usize, usize)> = guide
            .produces
            .iter()
            .flat_map(|p| users.get(p.id.as_str()).into_iter().flatten().copied())
            .collect();
        found.sort_unstable();
        found.dedup();
        for (c, u) in found {
            let (consumer, title, consumer_department, uses, covers) = &snapshot[c];
            if consumer == &guide.id || covers.iter().any(|c| c.id == guide.id) {
                continue; // a guide that covers this one is no later procedure
            }
            let usage = &uses[u];
            guide.feeds.push(ChainLink {
                guide: consumer.clone(),
                guide_title: title.clone(),
                material: usage.id.clone(),
                material_name: usage.name.clone(),
                condition: usage.condition.clone(),
                one_of_label: usage.one_of_label.clone(),
                alternatives: usage.alternatives.iter().map(|a| a.name.clone()).collect(),
                same_authority: *consumer_department == guide.department,
            });
        }
    }
}

/// A cycle that no order of the procedures can break, or `None`. `needs[g]` lists, for each
/// need of `g` that must be met, the procedures any one of which meets it (an either-or
/// group has several). Procedures whose needs can all be met, in some order, are taken out
/// one by one; if some remain, each of them waits for another one that remains, and the walk
/// along those waits closes a cycle. Returned in issuing order, first guide repeated at the
/// end: `a → b → a`.
fn dead_end(needs: &BTreeMap<String, Vec<Vec<String>>>) -> Option<Vec<String>> {
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let met = |option: &str, done: &BTreeSet<&str>| done.contains(option) || !needs.contains_key(option);
    loop {
        let ready: Vec<&str> = needs
            .iter()
            .filter(|(g, _)| !done.contains(g.as_str()))
            .filter(|(_, ns)| ns.iter().all(|options| options.iter().any(|o| met(o, &done))))
            .map(|(g, _)| g.as_str())
            .collect();
        if ready.is_empty() {
            break;
        }
        done.extend(ready);
    }
    let start = needs.keys().find(|g| !done.contains(g.as_str()))?;
    let mut path: Vec<&str> = vec![start];
    loop {
        let current = *path.last()?;
        let blocked = needs[current]
            .iter()
            .find(|options| !options.iter().any(|o| met(o, &done)))?;
        let next = blocked.first()?.as_str();
        if let Some(at) = path.iter().position(|p| *p == next) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(next.to_owned());
            cycle.reverse();
            return Some(cycle);
        }
        path.push(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(list: &[(&str, &[&[&str]])]) -> BTreeMap<String, Vec<Vec<String>>> {
        list.iter()
            .map(|(g, ns)| {
                let ns = ns
                    .iter()
                    .map(|options| options.iter().map(|o| o.to_string()).collect())
                    .collect();
                (g.to_string(), ns)
            })
            .collect()
    }

    /// The radiology licence takes the practice licence *or* the setup approval; even if the
    /// registration needed the radiology licence, setup → radiology → registration works.
    #[test]
    fn a_satisfiable_alternative_is_no_cycle() {
        let n = needs(&[
            ("radiology", &[&["registration", "setup"]]),
            ("registration", &[&["setup"], &["radiology"]]),
        ]);
        assert_eq!(dead_end(&n), None);
    }

    #[test]
    fn a_real_cycle_is_reported_in_issuing_order() {
        // a needs b's document, b needs c's, c needs a's: a issues for c, c for b, b for a.
        let n = needs(&[("a", &[&["b"]]), ("b", &[&["c"]]), ("c", &[&["a"]])]);
        assert_eq!(dead_end(&n).unwrap(), ["a", "c", "b", "a"]);
    }

    #[test]
    fn alternatives_that_all_wait_on_the_guide_are_still_a_cycle() {
        let n = needs(&[("a", &[&["b", "c"]]), ("b", &[&["a"]]), ("c", &[&["a"]])]);
        assert_eq!(dead_end(&n).unwrap(), ["a", "b", "a"]);
    }

    #[test]
    fn a_need_met_outside_the_graph_waits_for_nothing() {
        // `x` has no needs of its own, so it is not in the map: it can always go first.
        let n = needs(&[("a", &[&["x"]]), ("b", &[&["a"]])]);
        assert_eq!(dead_end(&n), None);
    }
}
