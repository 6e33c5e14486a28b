//! The one place the binary writes: reports to a file (`-o`, `batch
//! --summary`, `--reports`), to standard output, and messages to standard
//! error.
//!
//! Writing a report must never destroy anything the user did not name:
//!
//! - An output that is one of the inputs (the same file, also through a
//!   symbolic or hard link) is refused before anything is written.
//! - A symbolic link is followed: its target is written, the link stays.
//! - Something that is not a regular file — `/dev/null`, `/dev/stdout`, a
//!   terminal, a FIFO — is opened and written to, never replaced.
//! - A regular file with one name is replaced atomically: the report goes
//!   to a temporary file in the same directory, is flushed to disk, takes
//!   the old file's permissions (and owner, where allowed) and is renamed
//!   over it, so a failed run leaves the old file as it was.
//! - A regular file with several names (hard links) is written in place,
//!   so every name shows the new report. (A rename would leave the other
//!   names with the old content.) The analysis is finished before the file
//!   is opened and rendering cannot fail, so only an I/O error can cut the
//!   report short, and that is reported.
//!
//! A report is either text made in memory or written as it is rendered
//! ([`Content::Stream`]: a JSON report of tens of megabytes is never held
//! whole); both go through the same paths.
//!
//! Every write error — a full disk (`/dev/full`), a failed flush or sync —
//! is an error naming the path, exit status 2. Standard output closed by
//! the reader (`tvdiff … | head`) is not an error: tvdiff stops quietly, as
//! other Unix tools do. Messages to standard error never panic, whatever
//! standard error is.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use tvdiff::error::Error;
use tvdiff::render::escape;

fn output_error(path: &Path, e: &std::io::Error) -> Error {
    use std::io::ErrorKind::*;
    let message = match e.kind() {
        NotFound => "no such directory".to_string(),
        PermissionDenied => "permission denied".to_string(),
        IsADirectory => "is a directory".to_string(),
        StorageFull => "no space left on the device".to_string(),
        _ => e.to_string().split(" at path ").next().unwrap_or_default().to_string(),
    };
    Error::Output { path: escape::path_lossless(path), message }
}

/// Device and inode of a file (following links), to tell whether two
/// names are one file.
#[cfg(unix)]
fn identity(m: &Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(_: &Metadata) -> (u64, u64) {
    (0, 0)
}

/// Refuse an output that is one of `inputs` (`-` for standard input is not
/// a file and is skipped).
pub fn check_not_an_input(path: &Path, inputs: &[&Path]) -> Result<(), Error> {
    let Ok(out) = std::fs::metadata(path) else { return Ok(()) };
    if !out.is_file() || !cfg!(unix) {
        return Ok(());
    }
    for input in inputs {
        if input.as_os_str() == "-" {
            continue;
        }
        if std::fs::metadata(input).is_ok_and(|m| identity(&m) == identity(&out)) {
            return Err(Error::Output {
                path: escape::path_lossless(path),
                message: format!(
                    "is the input {}; refusing to overwrite it (choose another output file)",
                    escape::path_lossless(input)
                ),
            });
        }
    }
    Ok(())
}

/// Where writing `path` really writes: the target of a symbolic link (also
/// of a dangling one: the file it names is created), else `path`.
fn resolve(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    // A bounded number of hops: a loop is left to the open() to report.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                Ok(target) => {
                    p = match p.parent() {
                        Some(dir) if target.is_relative() => dir.join(target),
                        _ => target,
                    };
                }
                Err(_) => return p,
            },
            _ => return p,
        }
    }
    p
}

/// A report to write: bytes made in memory, or a function that writes them
/// to a (buffered) writer as they are rendered.
pub enum Content<'a> {
    /// The whole report.
    Bytes(&'a [u8]),
    /// Writes the report; called once per write.
    Stream(&'a dyn Fn(&mut dyn Write) -> std::io::Result<()>),
}

impl Content<'_> {
    fn write_to(&self, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Content::Bytes(b) => out.write_all(b),
            Content::Stream(f) => f(out),
        }
    }

    /// The report in memory (for a pager, which must see it whole).
    pub fn to_text(&self) -> String {
        match self {
            Content::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
            Content::Stream(f) => {
                let mut v = Vec::new();
                f(&mut v).expect("writing to memory does not fail");
                String::from_utf8_lossy(&v).into_owned()
            }
        }
    }
}

/// Write `content` to `path` as the module documentation says, after
/// checking that `path` is none of `inputs`.
pub fn write_file(path: &Path, content: &[u8], inputs: &[&Path]) -> Result<(), Error> {
    write_content(path, &Content::Bytes(content), inputs)
}

/// [`write_file`] for any [`Content`].
pub fn write_content(path: &Path, content: &Content, inputs: &[&Path]) -> Result<(), Error> {
    check_not_an_input(path, inputs)?;
    let target = resolve(path);
    let fail = |e: std::io::Error| output_error(path, &e);
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => Err(fail(std::io::Error::from(std::io::ErrorKind::IsADirectory))),
        Ok(m) if !m.is_file() => {
            // A device, FIFO or terminal: write through it.
            let mut f = OpenOptions::new().write(true).open(&target).map_err(fail)?;
            content.write_to(&mut f).and_then(|_| f.flush()).map_err(fail)
        }
        Ok(m) if hard_linked(&m) => {
            let mut f = OpenOptions::new().write(true).truncate(true).open(&target).map_err(fail)?;
            content.write_to(&mut f).and_then(|_| f.flush()).and_then(|_| f.sync_all()).map_err(fail)
        }
        Ok(m) => replace(&target, content, Some(&m)).map_err(fail),
        Err(_) => replace(&target, content, None).map_err(fail),
    }
}

#[cfg(unix)]
fn hard_linked(m: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.nlink() > 1
}

#[cfg(not(unix))]
fn hard_linked(_: &Metadata) -> bool {
    false
}

/// A temporary file next to `target`, renamed over it; `old` is the file
/// it replaces, whose permissions (and owner) it keeps.
fn replace(target: &Path, content: &Content, old: Option<&Metadata>) -> std::io::Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tvdiff-").suffix(".tmp");
    // Temporary files are private (0600); a new report is an ordinary file
    // (0666 less the umask, as File::create makes it), a replaced one keeps
    // the mode it had.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    content.write_to(tmp.as_file_mut())?;
    tmp.flush()?;
    if let Some(old) = old {
        keep_owner_and_mode(tmp.as_file(), old)?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

fn keep_owner_and_mode(file: &File, old: &Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; anyone else already owns it.
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
    file.set_permissions(old.permissions())
}

/// Write to standard output. A reader that closed the pipe early is not an
/// error (`Ok(false)`: stop writing); any other failure is.
pub fn stdout(content: &[u8]) -> Result<bool, Error> {
    stdout_content(&Content::Bytes(content))
}

/// [`stdout`] for any [`Content`].
pub fn stdout_content(content: &Content) -> Result<bool, Error> {
    let mut out = std::io::stdout().lock();
    match content.write_to(&mut out).and_then(|_| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Error::Output { path: "standard output".into(), message: e.to_string() }),
    }
}

/// A message on standard error, `tvdiff: ` first. Never panics: if
/// standard error cannot be written (closed pipe, full disk) the message
/// is lost, and the exit status still tells.
pub fn message(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "tvdiff: {text}");
}

/// Text on standard error as it is (clap's formatted help and errors).
pub fn message_raw(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}
