//! The `tvdiff` command: a thin layer over the library. It parses options,
//! reads the files, calls the library and hands the result to a renderer.
//! Exit status as diff(1): 0 same, 1 different, 2 trouble.

mod cli;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use tvdiff::error::{EXIT_SAME, EXIT_TROUBLE};

const AFTER_HELP: &str = "\
Exit status: 0 the versions are the same after normalisation, 1 they differ, 2 trouble \
(a missing, unreadable, binary or badly encoded file, a bad option, an unwritable output). \
Called by git as an external diff (GIT_EXTERNAL_DIFF=tvdiff), differences exit 0.

Examples:
  tvdiff old.txt new.txt                       coloured report, paged on a terminal
  tvdiff --lang zh blog.txt xinhua.txt         only the Chinese lines
  tvdiff -y --fold-chinese hk.txt mainland.txt side by side, traditional = simplified
  tvdiff -f html -o report.html old.txt new.txt
  zcat old.txt.gz | tvdiff - new.txt           '-' is standard input
  tvdiff batch --summary out.csv old/ new/     two directories, pair by pair
  GIT_EXTERNAL_DIFF=tvdiff git diff            inside git

The manual: `tvdiff man | man -l -`. Shell completions: `tvdiff completions bash` (zsh, fish, elvish, powershell).";

/// Compare versions of a transcript sentence by sentence, reporting wording
/// changes and ignoring punctuation-width, spacing, quote-style and
/// line-wrapping noise.
#[derive(Parser, Debug)]
#[command(
    name = "tvdiff",
    version,
    about,
    max_term_width = 100,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    override_usage = "tvdiff [OPTIONS] <OLD> <NEW>\n       tvdiff batch [OPTIONS] <OLD_DIR> <NEW_DIR>\n       tvdiff collate [OPTIONS] <FILE>...",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The old version ('-' for standard input).
    #[arg(required = true)]
    old: Option<PathBuf>,
    /// The new version ('-' for standard input).
    #[arg(required = true)]
    new: Option<PathBuf>,
    #[command(flatten)]
    common: cli::CommonArgs,
    #[command(flatten)]
    output: cli::OutputArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare every file under OLD_DIR with the file at the same relative path under NEW_DIR.
    Batch(cli::batch::BatchArgs),
    /// Collate many versions against a base: variant table, apparatus, TEI.
    Collate(cli::collate::CollateArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `tvdiff man | man -l -`.
    Man,
    /// Print the text tvdiff compares for a file (PDF, Word, HTML, Markdown, captions, text).
    Extract(cli::extract::ExtractArgs),
}

/// Parse `args` (program name first) as clap does, printing clap's own
/// messages (help, version, errors with their usage and hints) as clap
/// formats them. `Err` is the exit status when there is nothing to run.
fn parse(args: Vec<OsString>) -> Result<Cli, u8> {
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return Err(clap_error(e)),
    };
    Cli::from_arg_matches(&matches).map_err(clap_error)
}

fn clap_error(e: clap::Error) -> u8 {
    // clap's multi-line message as it formats it (colours only on a
    // terminal); a write error on stderr is ignored, the status tells.
    let _ = e.print();
    if e.use_stderr() {
        EXIT_TROUBLE as u8
    } else {
        EXIT_SAME as u8 // --help, --version
    }
}

/// Bytes of freed memory glibc's malloc keeps at the top of a heap
/// instead of returning them to the system (`M_TOP_PAD`; its default is
/// 128 KB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TOP_PAD: i32 = 64 << 20;

/// A comparison allocates and frees tens of megabytes in stages (the
/// segmented versions, the alignment's token streams, the rows, the
/// report): with glibc's defaults, memory freed by one stage goes back to
/// the system and the next stage faults fresh pages in again (two
/// unrelated 1 MB texts: 16,800 page faults, 10,000 with this). Untouched
/// pages of the padding are never resident; peak memory grows by a few
/// megabytes at most. (Setting it also fixes glibc's mmap threshold at its
/// default, 128 KB: raising that as well measured no better.) Other
/// platforms keep their allocator's defaults.
///
/// glibc also gives each thread that allocates an arena of its own, up to
/// eight a core: the main thread and each of the pool's workers. The main
/// thread waits while the pool works, and memory one arena frees is never
/// reused by another's thread: a move search on the pool built its census
/// and tables anew while the alignment's freed megabytes lay in the main
/// thread's arena (two unrelated 1 MB texts: 0.3-0.5 MB of the peak). So
/// there are as many arenas as the pool has threads: the main thread
/// shares one with a worker, and wall time does not change (measured
/// ×1.00; one arena for all, ×1.2).
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a parameter of glibc's allocator; it is
    // called first thing in `main`, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, TOP_PAD);
    }
    allow_arenas(pool_threads());
}

/// Threads in rayon's global pool: `RAYON_NUM_THREADS`, else one a core.
fn pool_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
}

/// Let glibc make up to `n` arenas (see [`tune_allocator`]); a pool of
/// more threads than the global one (`tvdiff batch --jobs`) raises the
/// limit before its threads start.
pub(crate) fn allow_arenas(n: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a parameter of glibc's allocator (a
    // limit on arenas made from now on; those made stay).
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, i32::try_from(n.max(1)).unwrap_or(i32::MAX));
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = n;
}

/// The loader applies a position-independent executable's relocations
/// (`.rela.dyn`: 42,000 records, 1 MB, most of them pointers in the
/// dependencies' static tables of strings: HTML entities, PDF glyph names,
/// Unicode tables) before `main` and never reads them again, but the pages
/// it read stay in the resident set: they are let go of here (from a file
/// mapping they stay in the page cache). The executable is linked
/// position-dependent on Linux (see `build.rs`), with a page or so of
/// records left, unless it was built with `TVDIFF_PIE=1`. The
/// table is found through the executable's dynamic section (`DT_RELA`,
/// `DT_RELASZ`; read as 64-bit entries, so only on 64-bit targets),
/// without the function-call relocations (`DT_JMPREL`, `DT_PLTRELSZ`),
/// which some linkers count in it and which lazy binding reads later.
fn let_go_of_relocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
    {
        /// `dl_iterate_phdr`'s callback: the first object is the
        /// executable; the address range of its relocation records, less
        /// the function-call ones, goes to `out`.
        unsafe extern "C" fn executable(
            info: *mut libc::dl_phdr_info,
            _size: libc::size_t,
            out: *mut libc::c_void,
        ) -> libc::c_int {
            // SAFETY: the loader hands a valid `dl_phdr_info` whose program
            // headers and dynamic section are mapped; `out` is the
            // `Option` below. The dynamic section ends with a DT_NULL entry.
            unsafe {
                let info = &*info;
                let out = &mut *out.cast::<Option<(usize, usize)>>();
                let base = info.dlpi_addr as usize;
                let headers = std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum));
                if let Some(dynamic) = headers.iter().find(|h| h.p_type == libc::PT_DYNAMIC) {
                    let mut entry = (base + dynamic.p_vaddr as usize) as *const [u64; 2];
                    let [mut rela, mut size, mut jmprel, mut pltsize] = [0usize; 4];
                    loop {
                        let [tag, value] = *entry;
                        match tag {
                            0 => break,
                            7 => rela = value as usize,
                            8 => size = value as usize,
                            23 => jmprel = value as usize,
                            2 => pltsize = value as usize,
                            _ => {}
                        }
                        entry = entry.add(1);
                    }
                    // (glibc may have added the load address already.)
                    let at = |a: usize| if a < base { base + a } else { a };
                    if rela != 0 && size != 0 {
                        let (start, mut end) = (at(rela), at(rela) + size);
                        if jmprel != 0 && pltsize != 0 && at(jmprel) < end && at(jmprel) + pltsize > start {
                            end = end.min(at(jmprel));
                        }
                        *out = Some((start, end));
                    }
                }
            }
            1
        }
        let mut found: Option<(usize, usize)> = None;
        // SAFETY: the callback reads only what the loader describes and
        // writes only `found`.
        unsafe { libc::dl_iterate_phdr(Some(executable), (&raw mut found).cast()) };
        // SAFETY: sysconf only reads a system constant.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
        if let Some((start, end)) = found.filter(|_| page > 0) {
            let (first, last) = (start.next_multiple_of(page), end / page * page);
            if first < last {
                // SAFETY: whole pages of relocation records that nothing
                // reads after start-up (the loader applied them before
                // `main`; the function-call ones are left out).
                // MADV_DONTNEED unmaps them: from a file mapping a read
                // would map the file's unchanged bytes again; in anonymous
                // memory (an executable unpacked at run time) they read
                // back as zeros, which nothing reads.
                unsafe { libc::madvise(first as *mut libc::c_void, last - first, libc::MADV_DONTNEED) };
            }
        }
    }
}

fn main() -> ExitCode {
    tune_allocator();
    let_go_of_relocations();
    let args: Vec<OsString> = std::env::args_os().collect();
    // git's external-diff form: PATH OLD-FILE OLD-HEX OLD-MODE NEW-FILE NEW-HEX NEW-MODE.
    if let Some((opts, pair)) = cli::git::detect(&args[1..]) {
        let mut argv = vec![args[0].clone()];
        argv.extend(opts);
        argv.push(pair.old_file.clone().into());
        argv.push(pair.new_file.clone().into());
        let cli = match parse(argv) {
            Ok(c) => c,
            Err(code) => return ExitCode::from(code),
        };
        let name = |p: &OsString, side: &str| format!("{side}/{}", tvdiff::render::escape::path_lossless(p.as_ref()));
        let naming = cli::compare::Naming {
            old: Some(name(&pair.path, "a")),
            new: Some(name(pair.new_path.as_ref().unwrap_or(&pair.path), "b")),
            git: true,
        };
        let result = cli::compare::run(&pair.old_file, &pair.new_file, &cli.common, &cli.output, &naming);
        return finish(result);
    }
    let cli = match parse(args) {
        Ok(c) => c,
        Err(code) => return ExitCode::from(code),
    };
    let result = match &cli.command {
        None => match (&cli.old, &cli.new) {
            (Some(old), Some(new)) => {
                cli::compare::run(old, new, &cli.common, &cli.output, &cli::compare::Naming::default())
            }
            _ => Err(tvdiff::Error::Usage("two files to compare are required".into())),
        },
        Some(command) => match command {
            Command::Batch(args) => cli::batch::run(args),
            Command::Collate(args) => cli::collate::run(args),
            Command::Completions { shell } => {
                let mut buf = Vec::new();
                clap_complete::generate(*shell, &mut Cli::command(), "tvdiff", &mut buf);
                cli::output::stdout(&buf).map(|_| EXIT_SAME)
            }
            Command::Man => {
                let mut buf = Vec::new();
                match clap_mangen::Man::new(Cli::command()).render(&mut buf) {
                    Ok(()) => cli::output::stdout(&buf).map(|_| EXIT_SAME),
                    Err(e) => Err(tvdiff::Error::Usage(format!("cannot make the manual page: {e}"))),
                }
            }
            Command::Extract(args) => cli::extract::run(args),
        },
    };
    finish(result)
}

fn finish(result: Result<i32, tvdiff::Error>) -> ExitCode {
    match result {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            cli::output::message(&e.to_string());
            ExitCode::from(EXIT_TROUBLE as u8)
        }
    }
}
