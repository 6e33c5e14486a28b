//! git's external-diff calling convention.
//!
//! `GIT_EXTERNAL_DIFF=tvdiff git diff` and a `diff.<driver>.command`
//! driver run `tvdiff [OPTIONS] PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE
//! NEW-HEX NEW-MODE` for every changed file (two more arguments, the new
//! path and a similarity line, for a rename). tvdiff recognises that shape
//! by its hashes and modes, compares OLD-FILE with NEW-FILE under git's
//! names (`a/PATH`, `b/PATH`), reads `/dev/null` (an added or deleted
//! file) as an empty version, and exits 0 when the versions differ — git
//! stops at the first external diff that exits non-zero. Trouble (a binary
//! file, a bad encoding) is still exit 2, and git stops there as it should.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// One file pair as git passes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitPair {
    /// The path in the repository (old path for a rename).
    pub path: OsString,
    /// The new path when git reports a rename or copy.
    pub new_path: Option<OsString>,
    /// A file holding the old version (`/dev/null` when added).
    pub old_file: PathBuf,
    /// A file holding the new version (`/dev/null` when deleted).
    pub new_file: PathBuf,
}

fn is_hex(s: &OsStr) -> bool {
    let s = s.as_encoded_bytes();
    s == b"." || (matches!(s.len(), 40 | 64) && s.iter().all(u8::is_ascii_hexdigit))
}

fn is_mode(s: &OsStr) -> bool {
    let s = s.as_encoded_bytes();
    s == b"." || (s.len() == 6 && s.iter().all(|b| (b'0'..=b'7').contains(b)))
}

/// If the arguments (without the program name) end in git's seven (or
/// nine) external-diff arguments, split them off: the options before them
/// and the pair.
pub fn detect(args: &[OsString]) -> Option<(Vec<OsString>, GitPair)> {
    for k in [9, 7] {
        if args.len() < k {
            continue;
        }
        let (opts, tail) = args.split_at(args.len() - k);
        if is_hex(&tail[2]) && is_mode(&tail[3]) && is_hex(&tail[5]) && is_mode(&tail[6]) {
            // Options only before the pair: a value such as `--lang zh`
            // is fine, a stray positional argument is not git's form.
            let pair = GitPair {
                path: tail[0].clone(),
                new_path: (k == 9).then(|| tail[7].clone()),
                old_file: PathBuf::from(&tail[1]),
                new_file: PathBuf::from(&tail[4]),
            };
            return Some((opts.to_vec(), pair));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_seven_argument_form_is_recognised() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        let args = os(&["--lang", "zh", "a.txt", "/tmp/x_a.txt", hex, "100644", "a.txt", ".", "."]);
        let (opts, pair) = detect(&args).unwrap();
        assert_eq!(opts, os(&["--lang", "zh"]));
        assert_eq!(pair.old_file, PathBuf::from("/tmp/x_a.txt"));
        assert_eq!(pair.new_file, PathBuf::from("a.txt"));
        assert_eq!(pair.new_path, None);
        assert!(detect(&os(&["old.txt", "new.txt"])).is_none());
        assert!(detect(&os(&["a", "b", "c", "d", "e", "f", "g"])).is_none());
    }

    #[test]
    fn a_rename_has_nine() {
        let hex = "0123456789abcdef0123456789abcdef01234567";
        let args =
            os(&["old.txt", "/tmp/o", hex, "100644", "/tmp/n", hex, "100644", "new.txt", "similarity index 90%\n"]);
        let (_, pair) = detect(&args).unwrap();
        assert_eq!(pair.new_path, Some(OsString::from("new.txt")));
    }
}
