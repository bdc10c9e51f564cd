//! What `concur check` says about a bug class: the first paragraph of its
//! section in the book (`book/src/bug-classes.md`), shown inline, and the
//! anchor of that section in the rendered book. The classes themselves,
//! and how a failure message names one, are `kit::bugs`: one list for the
//! suites and for this.

use std::path::Path;

use kit::bugs::BugClass;

/// The section's first paragraph, as one line of prose; `None` if the book
/// is not there (a copy without it) or has no such section.
pub fn explanation(root: &Path, class: BugClass) -> Option<String> {
    let text = std::fs::read_to_string(root.join("book/src").join(BugClass::CHAPTER)).ok()?;
    first_paragraph(&text, class.heading)
}

/// Where to read more: the rendered page and its anchor.
pub fn pointer(class: BugClass) -> String {
    format!(
        "{}#{} in the book (mdbook serve book)",
        BugClass::CHAPTER.replace(".md", ".html"),
        class.anchor()
    )
}

/// The first paragraph under the `##` heading `heading`, joined into one
/// line.
fn first_paragraph(markdown: &str, heading: &str) -> Option<String> {
    let mut lines = markdown
        .lines()
        .skip_while(|line| line.trim_start_matches('#').trim() != heading || !line.starts_with('#'))
        .skip(1)
        .skip_while(|line| line.trim().is_empty());
    let mut paragraph = Vec::new();
    for line in lines.by_ref() {
        if line.trim().is_empty() || line.starts_with('#') {
            break;
        }
        paragraph.push(line.trim());
    }
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::bugs::ALL;

    #[test]
    fn every_class_has_a_section_that_opens_with_prose() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for class in ALL {
            let paragraph = explanation(root, *class).unwrap_or_else(|| {
                panic!("book/src/bug-classes.md has no section {:?}", class.heading)
            });
            assert!(
                !paragraph.starts_with("{{")
                    && !paragraph.starts_with("```")
                    && paragraph.len() > 60,
                "{}: the section should open with a sentence or two of prose: {paragraph}",
                class.heading
            );
        }
    }

    /// Every class a bug-zoo test asserts (`assert_caught(bugs::X, ...)`)
    /// is one `concur check` reads back from a message and explains.
    #[test]
    fn every_class_the_zoos_assert_is_named_and_explained_by_check() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut asserted = 0;
        for entry in std::fs::read_dir(root.join("exercises")).unwrap() {
            let bugs_rs = entry.unwrap().path().join("tests/bugs.rs");
            let Ok(text) = std::fs::read_to_string(&bugs_rs) else {
                continue;
            };
            for use_ in text.split("assert_caught(").skip(1) {
                let constant = use_
                    .trim_start()
                    .strip_prefix("bugs::")
                    .and_then(|rest| {
                        rest.split(|c: char| !c.is_ascii_uppercase() && c != '_')
                            .next()
                    })
                    .unwrap_or_else(|| {
                        panic!(
                            "{}: assert_caught takes a kit::bugs class: {use_:.40}",
                            bugs_rs.display()
                        )
                    });
                let (_, class) = kit::bugs::BY_CONST
                    .iter()
                    .find(|(name, _)| *name == constant)
                    .unwrap_or_else(|| {
                        panic!("{}: no class {constant} in kit::bugs", bugs_rs.display())
                    });
                assert_eq!(kit::bugs::classify(&class.says("details")), Some(*class));
                assert!(
                    explanation(root, *class).is_some(),
                    "{constant} is not explained"
                );
                asserted += 1;
            }
        }
        assert!(asserted >= 10, "only {asserted} assert_caught calls found");
    }

    #[test]
    fn the_first_paragraph_is_the_one_under_the_heading() {
        let text = "# Title\n\n## Lost update\n\nA read and a write\nin two steps.\n\nMore.\n\n## Next\n\nOther.\n";
        assert_eq!(
            first_paragraph(text, "Lost update").as_deref(),
            Some("A read and a write in two steps.")
        );
        assert_eq!(first_paragraph(text, "Missing"), None);
    }
}
