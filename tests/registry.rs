//! The registry (`src/registry.rs`), the workspace and the starter features
//! agree: an exercise half registered fails here with a message that says
//! what is missing.

use std::path::Path;

use concur::registry::{EXERCISES, names};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn toml(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_registered_exercise_is_a_complete_crate() {
    let manifest = toml(&root().join("Cargo.toml"));
    let features = manifest["features"].as_table().expect("[features]");
    let all_starters: Vec<&str> = features["starter"]
        .as_array()
        .expect("a starter feature")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    let dependencies = manifest["dependencies"].as_table().expect("[dependencies]");
    let mut missing = Vec::new();
    for exercise in EXERCISES {
        let name = exercise.name;
        let dir = exercise.dir(root());
        let crate_manifest = dir.join("Cargo.toml");
        if !crate_manifest.is_file() {
            missing.push(format!("{name}: no crate at {}", crate_manifest.display()));
            continue;
        }
        let crate_toml = toml(&crate_manifest);
        if crate_toml["package"]["name"].as_str() != Some(name) {
            missing.push(format!("{name}: its crate is not called {name}"));
        }
        if crate_toml
            .get("features")
            .and_then(|f| f.get("starter"))
            .is_none()
        {
            missing.push(format!(
                "{name}: exercises/{name}/Cargo.toml has no `starter` feature"
            ));
        }
        let feature = exercise.starter_feature();
        let want = format!("{name}/starter");
        match features.get(&feature).and_then(|f| f.as_array()) {
            Some(list) if list.iter().any(|v| v.as_str() == Some(want.as_str())) => {}
            _ => missing.push(format!(
                "{name}: Cargo.toml needs the feature {feature} = [\"{want}\"]"
            )),
        }
        if !all_starters.contains(&feature.as_str()) {
            missing.push(format!(
                "{name}: Cargo.toml's `starter` feature must include \"{feature}\""
            ));
        }
        if !dependencies.contains_key(name) {
            missing.push(format!(
                "{name}: the concur package must depend on it (`{name}.workspace = true`)"
            ));
        }
        for file in [
            "README.md",
            "src/lib.rs",
            "src/starter.rs",
            "src/buggy.rs",
            "tests/conformance.rs",
            "tests/bugs.rs",
        ] {
            if !dir.join(file).is_file() {
                missing.push(format!("{name}: exercises/{name}/{file} is missing"));
            }
        }
        for file in exercise.solution {
            if !dir.join(file).is_file() {
                missing.push(format!("{name}: its solution file {file} is missing"));
            }
        }
        if !root().join("book/src").join(exercise.chapter).is_file() {
            missing.push(format!("{name}: no chapter book/src/{}", exercise.chapter));
        }
        if let Some(sweep) = exercise.sweep
            && sweep.exercise != name
        {
            missing.push(format!(
                "{name}: its sweep calls itself {:?}",
                sweep.exercise
            ));
        }
        if let Some(python) = exercise.python
            && !root()
                .join(format!("python-compare/python/{python}.py"))
                .is_file()
        {
            missing.push(format!(
                "{name}: no python-compare/python/{python}.py for its Python workload"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_exercise_crate_is_registered() {
    let known = names();
    for entry in std::fs::read_dir(root().join("exercises")).unwrap() {
        let entry = entry.unwrap();
        if !entry.path().join("Cargo.toml").is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_string();
        assert!(
            known.contains(&name.as_str()),
            "exercises/{name} is a crate but not in src/registry.rs: add an entry there"
        );
    }
}
