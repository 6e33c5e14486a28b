//! A pager for long reports, as git, bat and delta do it.
//!
//! Only when standard output is a terminal (never into a pipe or a file),
//! and with `--paging auto` (the default) only when the report is longer
//! than the screen; `--paging always` pages whatever the length, `--paging
//! never` never. The pager is `$TVDIFF_PAGER`, else `$PAGER`, else `less
//! -FRX` (quit at once if the report fits, keep colours, leave the screen
//! as it was); it is run by `sh -c`, so it may carry options. An empty
//! value or `cat` means no pager. Like git, tvdiff sets `LESS=FRX` and
//! `LV=-c` for the pager when they are not set, so a plain `PAGER=less`
//! keeps the colours too. Colour is decided before the pager starts (the
//! terminal is still the terminal), so it is kept.

use super::Paging;
use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

/// The pager command to run, if any.
fn command() -> Option<String> {
    let chosen =
        std::env::var("TVDIFF_PAGER").or_else(|_| std::env::var("PAGER")).unwrap_or_else(|_| "less -FRX".into());
    let chosen = chosen.trim().to_string();
    (!chosen.is_empty() && chosen != "cat").then_some(chosen)
}

/// Could a report go through a pager at all (a terminal, paging not
/// turned off)? When not, it is written straight to standard output.
pub fn wanted(paging: Paging) -> bool {
    paging != Paging::Never && std::io::stdout().is_terminal()
}

/// Send `content` through the pager when `paging` says so. `true` when the
/// pager took it (or the user quit it early); `false` when the caller
/// should write it to standard output itself.
pub fn page(content: &str, paging: Paging) -> bool {
    if !wanted(paging) {
        return false;
    }
    if paging == Paging::Auto {
        if let Some((_, terminal_size::Height(rows))) = terminal_size::terminal_size() {
            if rows > 0 && content.lines().count() < usize::from(rows) {
                return false;
            }
        }
    }
    let Some(cmd) = command() else { return false };
    let mut command = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", &cmd]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", &cmd]);
        c
    };
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    if std::env::var_os("LV").is_none() {
        command.env("LV", "-c");
    }
    let Ok(mut child) = command.stdin(Stdio::piped()).spawn() else { return false };
    if let Some(mut stdin) = child.stdin.take() {
        // The user may quit the pager before reading everything: a
        // broken pipe here is not an error.
        let _ = stdin.write_all(content.as_bytes());
    }
    // 127: the shell did not find the pager; show the report anyway.
    !matches!(child.wait().map(|s| s.code()), Ok(Some(127)))
}
