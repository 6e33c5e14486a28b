//! List the wording edits between two versions, one per line, as
//! `old-file:line:column  old → new  (class)`.
//!
//! ```text
//! cargo run --example list_edits -- samples/seed-000-blog-en-zh.txt samples/seed-001-xinhua-pdf-zh.txt
//! ```
//!
//! It uses the library the way another program would: build `Options`,
//! call `compare_files`, read the plain-data report.

use tvdiff::input::Lang;
use tvdiff::{compare_files, Options};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [old, new] = args.as_slice() else {
        anyhow::bail!("usage: list_edits OLD NEW");
    };
    // Compare only the Chinese text of mixed files, with default normalisation.
    let opts = Options { lang: Lang::Zh, ..Options::default() };
    let report = compare_files(old, new, &opts)?;
    for change in &report.changes {
        for edit in &change.edits {
            println!(
                "{}:{}:{}  {} → {}  ({})",
                report.old.path,
                edit.old_at.line,
                edit.old_at.column,
                if edit.old.is_empty() { "∅" } else { &edit.old },
                if edit.new.is_empty() { "∅" } else { &edit.new },
                edit.class.label(),
            );
        }
    }
    let s = &report.summary;
    println!("{} modified, {} added, {} removed sentences", s.modified, s.added, s.removed);
    Ok(())
}
