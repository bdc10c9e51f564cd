//! From a failed check's message to the bug class it most likely is, and
//! where the book explains it. The suites name the class at the start of
//! their messages ("lost update: ..."), so this is a lookup, not a guess.

/// A bug class and what to read about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BugClass {
    pub name: &'static str,
    /// What to read: a book chapter and section, or the exercise's README.
    pub read: Read,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// `book/src/<chapter>`, the given section.
    Book(&'static str, &'static str),
    /// The exercise's own chapter, its bug zoo.
    ExerciseChapter,
    /// The exercise's README: the task and the hints.
    Readme,
}

/// Needles in the message, most specific first, and the class they mean.
const CLASSES: &[(&[&str], BugClass)] = &[
    (
        &["not yet implemented", "not implemented"],
        BugClass {
            name: "not implemented yet (a todo!() is still there)",
            read: Read::Readme,
        },
    ),
    (
        &["lock-order deadlock"],
        BugClass {
            name: "lock-order deadlock",
            read: Read::Book("hashmap.md", "The bug zoo"),
        },
    ),
    (
        &["deadlock", "stuck"],
        BugClass {
            name: "deadlock",
            read: Read::Book("hashmap.md", "The bug zoo"),
        },
    ),
    (
        &["check-then-act"],
        BugClass {
            name: "check-then-act race",
            read: Read::Book("hashmap.md", "The bug zoo"),
        },
    ),
    (
        &["lost update", "lost write"],
        BugClass {
            name: "lost update",
            read: Read::Book("hashmap.md", "The bug zoo"),
        },
    ),
    (
        &["torn"],
        BugClass {
            name: "torn read",
            read: Read::ExerciseChapter,
        },
    ),
    (
        &["no striping"],
        BugClass {
            name: "no striping (one lock serialises everything)",
            read: Read::Book(
                "hashmap.md",
                "Strategy 3: lock striping (`ConcurrentHashMap`)",
            ),
        },
    ),
    (
        &["lost count", "count went backwards", "overcount"],
        BugClass {
            name: "lost or stale count",
            read: Read::Book("topk.md", "The bug zoo"),
        },
    ),
    (
        &["half-applied"],
        BugClass {
            name: "half-applied update (a torn publication)",
            read: Read::Book("trie.md", "The bug zoo"),
        },
    ),
    (
        &["stale"],
        BugClass {
            name: "stale read",
            read: Read::ExerciseChapter,
        },
    ),
    (
        &["chunk boundary"],
        BugClass {
            name: "chunk boundary inside a line",
            read: Read::Book("segment.md", "The bug zoo"),
        },
    ),
    (
        &["out of order", "unordered"],
        BugClass {
            name: "results merged out of order",
            read: Read::ExerciseChapter,
        },
    ),
    (
        &["missed termination", "never ended", "premature"],
        BugClass {
            name: "premature or missed termination",
            read: Read::Book("crawler.md", "The bug zoo"),
        },
    ),
    (
        &["unbounded frontier"],
        BugClass {
            name: "unbounded frontier",
            read: Read::Book("crawler.md", "The bug zoo"),
        },
    ),
    (
        &["no parallelism"],
        BugClass {
            name: "no parallelism (one thread did all the work)",
            read: Read::ExerciseChapter,
        },
    ),
    (
        &["wrong answer", "wrong tokens", "visited twice"],
        BugClass {
            name: "wrong answer",
            read: Read::ExerciseChapter,
        },
    ),
];

/// The class a failure message names, if it names one.
pub fn classify(message: &str) -> Option<BugClass> {
    let message = message.to_lowercase();
    CLASSES
        .iter()
        .find(|(needles, _)| needles.iter().any(|n| message.contains(n)))
        .map(|(_, class)| *class)
}

impl BugClass {
    /// Where to read about it, for the exercise `exercise` with chapter
    /// `chapter`: "book/src/hashmap.md, section \"The bug zoo\"".
    pub fn pointer(&self, exercise: &super::Exercise) -> String {
        match self.read {
            Read::Book(chapter, section) => format!("book/src/{chapter}, section \"{section}\""),
            Read::ExerciseChapter => {
                format!("book/src/{}, section \"The bug zoo\"", exercise.chapter)
            }
            Read::Readme => format!(
                "exercises/{}/README.md (the task), or `concur hint {}`",
                exercise.name, exercise.name
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suites_messages_name_their_class() {
        let cases = [
            (
                "not yet implemented: StarterMap::insert",
                "not implemented yet",
            ),
            (
                "lost update: 8 threads x 1000 increments ended at 7421",
                "lost update",
            ),
            (
                "lock-order deadlock: transfer never returned",
                "lock-order deadlock",
            ),
            (
                "check-then-act race: the factory ran twice",
                "check-then-act race",
            ),
            (
                "2 workers: results merged out of order: ...",
                "results merged out of order",
            ),
            (
                "missed termination: the crawl never ended",
                "premature or missed termination",
            ),
        ];
        for (message, class) in cases {
            let found = classify(message).map(|c| c.name);
            assert!(
                found.is_some_and(|name| name.starts_with(class)),
                "{message:?} -> {found:?}"
            );
        }
        assert_eq!(classify("assertion failed: 2 == 3"), None);
    }

    #[test]
    fn every_pointer_names_a_real_section() {
        let book = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src");
        let mut sections: Vec<(String, String)> = CLASSES
            .iter()
            .filter_map(|(_, class)| match class.read {
                Read::Book(chapter, section) => Some((chapter.into(), section.into())),
                _ => None,
            })
            .collect();
        for exercise in super::super::EXERCISES {
            sections.push((exercise.chapter.into(), "The bug zoo".into()));
        }
        for (chapter, section) in sections {
            let text = std::fs::read_to_string(book.join(&chapter)).unwrap();
            assert!(
                text.lines()
                    .any(|l| l.trim_start_matches('#').trim() == section),
                "book/src/{chapter} has no section {section:?}"
            );
        }
    }
}
