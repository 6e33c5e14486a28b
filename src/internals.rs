//! The pipeline's stages, for the micro-benchmarks (`benches/`), the fuzz
//! targets (`fuzz/`) and the test generators: not part of the library's
//! API, and only built with the `internals` feature. Their functions state
//! their preconditions and may panic outside them; the public API never
//! calls them with arguments that break them.

pub use crate::chars::{dominant_script, is_cjk, is_han, is_invisible, is_punct};
pub use crate::error_rate::scored_tokens;
pub use crate::inline::{diff_chars, diff_sentences, Piece, PieceKind};
pub use crate::normalize::{byte_range, key_string, normalize_line, normalize_line_into, normalize_str, NChar};
pub use crate::segment::{segment, CharCursor, Document, Sentence, MAX_SENTENCE_CHARS};
pub use crate::tokenize::tokenize;
