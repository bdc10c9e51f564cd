//! Hints come from the exercise's README, section "Hints", one numbered
//! item each: one source for the README reader and for `concur hint`.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// The numbered items under `## Hints`, each as written (continuation lines
/// unindented, the trailing text after the list left out).
pub fn hints(readme: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(readme)
        .with_context(|| format!("cannot read {}", readme.display()))?;
    let mut lines = text.lines().skip_while(|l| l.trim() != "## Hints").skip(1);
    let mut hints: Vec<String> = Vec::new();
    for line in lines.by_ref() {
        if line.starts_with("## ") {
            break;
        }
        let numbered = line
            .split_once(". ")
            .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if let Some((_, rest)) = numbered {
            hints.push(rest.to_string());
        } else if let Some(last) = hints.last_mut()
            && line.starts_with("   ")
        {
            last.push('\n');
            last.push_str(line.trim_start());
        } else if !hints.is_empty() && !line.trim().is_empty() {
            // Prose after the list ends it.
            break;
        }
    }
    if hints.is_empty() {
        bail!(
            "{} has no numbered hints under \"## Hints\"",
            readme.display()
        );
    }
    Ok(hints)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_has_three_hints() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for exercise in super::super::EXERCISES {
            let found = hints(&exercise.dir(root).join("README.md")).unwrap();
            assert_eq!(found.len(), 3, "{}: {found:?}", exercise.name);
            assert!(
                found[0].starts_with("**"),
                "{}: {}",
                exercise.name,
                found[0]
            );
        }
    }
}
