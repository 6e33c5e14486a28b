//! Errors and exit codes.
//!
//! tvdiff follows diff(1): exit 0 when the versions compare equal after
//! normalisation, 1 when they differ, 2 when something went wrong. Every
//! error names the file it concerns and says what the problem is, on one
//! line. An error's text is safe to print: names and values from outside
//! (a file name with an escape sequence or a line break) are shown through
//! [`crate::render::escape::name`], so a message is always one line and
//! cannot act on a terminal.

/// Exit status: no differences after normalisation.
pub const EXIT_SAME: i32 = 0;
/// Exit status: differences found.
pub const EXIT_DIFFERENT: i32 = 1;
/// Exit status: trouble (bad input, bad option, unwritable output).
pub const EXIT_TROUBLE: i32 = 2;

/// Something tvdiff could not do.
#[derive(Debug)]
pub enum Error {
    /// An input file is missing, unreadable, binary or badly encoded.
    Input {
        /// The file as named by the user.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// An option has a bad value.
    Usage(String),
    /// Writing output failed.
    Output {
        /// The output path.
        path: String,
        /// Why.
        message: String,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::render::escape::name;
        match self {
            Error::Input { path, message } => write!(f, "{}: {}", name(path), name(message)),
            Error::Usage(message) => write!(f, "{}", name(message)),
            Error::Output { path, message } => write!(f, "{}: cannot write: {}", name(path), name(message)),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// An input problem with `path`.
    pub fn input(path: &str, message: impl Into<String>) -> Error {
        Error::Input { path: path.to_string(), message: message.into() }
    }

    /// Describe an I/O error on `path` in plain words.
    pub fn io(path: &str, e: &std::io::Error) -> Error {
        use std::io::ErrorKind::*;
        let message = match e.kind() {
            NotFound => "no such file".to_string(),
            PermissionDenied => "permission denied".to_string(),
            IsADirectory => "is a directory, not a text file".to_string(),
            _ => format!("cannot read: {e}"),
        };
        Error::input(path, message)
    }
}
