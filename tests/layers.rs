//! The layer rule of ARCHITECTURE.md: a module under `src/LAYER/` uses only
//! its own layer and the layers below it (`crate::HIGHER` never appears),
//! and every source file lives in a layer (besides `lib.rs` and `main.rs`).

use std::path::{Path, PathBuf};

/// Lowest first, as in `src/lib.rs`.
const LAYERS: [&str; 9] = ["base", "physics", "data", "model", "sim", "io", "study", "present", "cli"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src/") {
        let p = entry.expect("directory entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The `crate::NAME` module names a file refers to (`use crate::{a, b}`
/// groups included).
fn crate_refs(text: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                refs.push(name);
            }
        } else {
            refs.push(rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect());
        }
    }
    refs
}

fn layer_of(name: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == name)
}

#[test]
fn no_module_uses_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).expect("under src/");
        let top = rel.components().next().expect("a component").as_os_str().to_string_lossy().to_string();
        if top == "lib.rs" || top == "main.rs" {
            continue;
        }
        let Some(own) = layer_of(&top) else {
            broken.push(format!("{}: not in a layer ({})", rel.display(), LAYERS.join(", ")));
            continue;
        };
        let text = std::fs::read_to_string(f).expect("readable source");
        for r in crate_refs(&text) {
            match layer_of(&r) {
                Some(l) if l > own => {
                    broken.push(format!("{}: uses crate::{r} (layer {top} is below {r})", rel.display()))
                }
                None if r != "self" && !r.is_empty() => {
                    broken.push(format!("{}: uses crate::{r}, which is not a layer", rel.display()))
                }
                _ => {}
            }
        }
    }
    assert!(broken.is_empty(), "layer rule broken:\n{}", broken.join("\n"));
}

#[test]
fn lib_declares_exactly_the_layers() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).expect("lib.rs");
    let mut declared: Vec<&str> =
        lib.lines().filter_map(|l| l.strip_prefix("pub mod ").and_then(|r| r.strip_suffix(';'))).collect();
    declared.sort_unstable();
    let mut layers: Vec<&str> = LAYERS.to_vec();
    layers.sort_unstable();
    assert_eq!(declared, layers);
}

#[test]
fn the_checker_sees_grouped_imports() {
    assert_eq!(crate_refs("use crate::{sim::engine, base::error::Error};"), ["sim", "base"]);
    assert_eq!(crate_refs("x(crate::present::chart::render(a))"), ["present"]);
}
