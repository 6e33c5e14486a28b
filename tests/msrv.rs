//! `rust-version` in Cargo.toml is the truth: it equals the highest
//! `rust-version` any locked dependency that is built declares (as `cargo
//! metadata` reports them; which packages are built, for any target, as
//! `cargo tree` says: the lock file also lists optional dependencies no
//! feature turns on, such as rkyv's uuid), so a user with that Rust can
//! build `cargo install --locked` and run the tests, and no one is told an
//! older Rust works. `.ci/run` runs this
//! test on its own; when a dependency update raises the need, it fails and
//! says which crate to blame.

use std::process::Command;

fn version(s: &str) -> Vec<u64> {
    s.split('.').map(|p| p.parse().unwrap_or(0)).collect()
}

#[test]
fn rust_version_is_what_the_locked_dependencies_need() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr);
        if std::env::var_os("CI").is_some() {
            panic!("cargo metadata failed: {why}");
        }
        eprintln!("note: cargo metadata failed (offline?); skipping the rust-version check: {why}");
        return;
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("cargo metadata's JSON");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let tree = Command::new(cargo)
        .args(["tree", "--locked", "-e", "normal,build,dev", "--target", "all", "--prefix", "none", "-f", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(tree.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&tree.stderr));
    let built: std::collections::HashSet<String> = String::from_utf8_lossy(&tree.stdout)
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?.trim_start_matches('v')))
        })
        .collect();
    let packages = meta["packages"].as_array().expect("packages");
    let mut needed: Option<(Vec<u64>, String, String)> = None;
    let mut declared = None;
    for p in packages {
        let name = p["name"].as_str().unwrap_or_default();
        let Some(rv) = p["rust_version"].as_str() else { continue };
        if !built.contains(&format!("{name} {}", p["version"].as_str().unwrap_or_default())) {
            continue;
        }
        if name == env!("CARGO_PKG_NAME") && p["source"].is_null() {
            declared = Some(rv.to_string());
            continue;
        }
        if needed.as_ref().is_none_or(|(v, _, _)| version(rv) > *v) {
            needed = Some((version(rv), rv.to_string(), name.to_string()));
        }
    }
    let declared = declared.expect("Cargo.toml declares rust-version");
    let (v, needed, by) = needed.expect("dependencies declare rust versions");
    let mut d = version(&declared);
    d.resize(v.len().max(d.len()), 0);
    let mut n = v.clone();
    n.resize(d.len(), 0);
    assert_eq!(
        d, n,
        "Cargo.toml says rust-version = \"{declared}\", but the locked dependencies need {needed} ({by}); \
         set rust-version (and the README's \"Rust … or newer\") to {needed}"
    );
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(&format!("Rust {declared} or newer")), "README.md names another Rust version");
}
