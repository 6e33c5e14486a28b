//! Reading a version's bytes: the only place tvdiff opens an input.
//!
//! - `-` is standard input (a pipe, a file redirected with `<`, a
//!   terminal).
//! - A regular file is read; so is a FIFO or pipe — process substitution
//!   (`tvdiff <(zcat a.gz) b.txt`) passes `/dev/fd/63`, which is one.
//! - `/dev/null` is an empty version (as in diff(1); git passes it for an
//!   added or deleted file).
//! - Anything else is refused before it is opened, with a message saying
//!   what it is: a directory, a character or block device (`/dev/zero`,
//!   `/dev/sda`, a terminal), a socket. Such a file either never ends or is
//!   not text.
//! - At most [`DEFAULT_MAX_SIZE`] bytes are read (512 MiB, `--max-size` to
//!   change it): a larger file, or a stream that goes on past the limit, is
//!   an error naming the limit, not an exhausted memory.

use crate::error::Error;
use crate::render::escape;
use std::io::Read;
use std::path::Path;

/// The default cap on the bytes read from one input: 512 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 512 << 20;

/// What a path names, when it is not something tvdiff reads.
fn refused_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_dir() {
        return Some("is a directory, not a text file");
    }
    if t.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return None;
        }
        if t.is_char_device() {
            return Some("is a character device, not a text file");
        }
        if t.is_block_device() {
            return Some("is a block device, not a text file");
        }
        if t.is_socket() {
            return Some("is a socket, not a text file");
        }
    }
    Some("is not a regular file")
}

/// Is this `/dev/null` (under any name)?
#[cfg(unix)]
fn is_dev_null(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    meta.file_type().is_char_device()
        && std::fs::metadata("/dev/null").is_ok_and(|null| null.rdev() == meta.rdev() && null.dev() == meta.dev())
}

#[cfg(not(unix))]
fn is_dev_null(_: &std::fs::Metadata) -> bool {
    false
}

/// Would [`read`] refuse this file without opening it? `Some(reason)` for
/// a directory, device or socket; `None` for a regular file or a FIFO.
/// (`tvdiff batch` uses it, and skips FIFOs too, which nobody writes to.)
pub fn refuses(meta: &std::fs::Metadata) -> Option<&'static str> {
    refused_kind(meta)
}

/// A human size: `512 MiB`, `1.5 GiB`, `300 KiB`, `17 bytes`.
pub fn human_size(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            return if n.is_multiple_of(size) {
                format!("{} {unit}", n / size)
            } else {
                format!("{:.1} {unit}", n as f64 / size as f64)
            };
        }
    }
    format!("{n} bytes")
}

fn too_large(name: &str, max: u64) -> Error {
    let limit = match human_size(max) {
        h if h.ends_with(" bytes") => h,
        h => format!("{h} ({max} bytes)"),
    };
    Error::input(name, format!("is larger than the limit of {limit}; use --max-size to raise it"))
}

/// Read at most `max` bytes from `r`; more is an error.
fn read_capped(name: &str, r: impl Read, max: u64, hint: usize) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::with_capacity(hint.min(max as usize));
    // A file's size is known: its pages are populated at once rather than
    // faulted in one by one during the copy (see `prefault`).
    crate::prefault::spare(&mut bytes);
    r.take(max.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| Error::io(name, &e))?;
    if bytes.len() as u64 > max {
        return Err(too_large(name, max));
    }
    Ok(bytes)
}

/// The bytes of `path` (`-`: standard input), at most `max` of them.
/// Errors name the file as [`escape::path_lossless`] spells it.
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let name = escape::path_lossless(path);
    if path.as_os_str() == "-" {
        return read_capped("standard input", std::io::stdin().lock(), max, 0);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(&name, &e))?;
    if is_dev_null(&meta) {
        return Ok(Vec::new());
    }
    if let Some(why) = refused_kind(&meta) {
        return Err(Error::input(&name, why));
    }
    if meta.is_file() && meta.len() > max {
        return Err(too_large(&name, max));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(&name, &e))?;
    // The kind may have changed between the two calls (a file swapped
    // for a device): check what was opened.
    let opened = file.metadata().map_err(|e| Error::io(&name, &e))?;
    if let Some(why) = refused_kind(&opened) {
        return Err(Error::input(&name, why));
    }
    read_capped(&name, file, max, opened.len() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(512 << 20), "512 MiB");
        assert_eq!(human_size(3 << 29), "1.5 GiB");
        assert_eq!(human_size(17), "17 bytes");
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_before_they_are_read() {
        let err = read(Path::new("/dev/zero"), DEFAULT_MAX_SIZE).unwrap_err().to_string();
        assert!(err.starts_with("/dev/zero: is a character device"), "{err}");
        assert_eq!(read(Path::new("/dev/null"), DEFAULT_MAX_SIZE).unwrap(), b"");
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.txt");
        std::fs::write(&p, "x".repeat(100)).unwrap();
        let err = read(&p, 99).unwrap_err().to_string();
        assert!(err.contains("larger than the limit of 99 bytes") && err.contains("--max-size"), "{err}");
        assert_eq!(read(&p, 100).unwrap().len(), 100);
    }
}
