//! Fresh memory faulted in ahead, in one system call.
//!
//! A comparison writes its largest buffers into fresh memory: each
//! version's text as it is read, and its key text, sentences and list of
//! irregular characters as it is segmented. The first write to each 4 KB
//! page is a page fault (on a Chinese book pair, 2,400 of its 7,000
//! faults before the key text was populated ahead). Asking the kernel to
//! populate the pages before they are written
//! (`madvise(MADV_POPULATE_WRITE)`, Linux 5.14) does the same work without
//! a trap per page. Only memory about to be written is populated: a
//! file's buffer, sized to it, before the read; the segmenter's
//! reservations a step ahead of what it writes ([`Ahead`]), never all of
//! them, since room that stays unused would add to the resident set.
//! Elsewhere, or when the kernel refuses, nothing happens and the pages
//! fault in as they are written.
//!
//! The other way round, [`let_go`] hands the kernel back the pages of
//! read-only data of the executable once no step will read them (the word
//! segmenter's dictionary after the inline diffs): the kernel maps an
//! executable 64 KB around each page read, so a few hundred look-ups make
//! all of it resident, and it would otherwise stay in the resident set
//! under the report. And [`give_back_free_memory`] hands back the heap's
//! free pages between steps, before a step that adds to what the steps
//! before it left.

/// Buffers smaller than this are left to fault in (a system call costs
/// what a few faults do).
const MIN_BYTES: usize = 256 << 10;

/// Populate the pages of `v`'s spare capacity, so that writing it does not
/// fault.
pub(crate) fn spare<T>(v: &mut Vec<T>) {
    if std::mem::size_of_val(v.spare_capacity_mut()) >= MIN_BYTES {
        spare_items(v, v.len()..v.capacity());
    }
}

/// Populate bytes `range` of `s`'s buffer, as far as they lie in its
/// spare capacity (bytes past its length that it has room for).
fn spare_range(s: &mut String, range: std::ops::Range<usize>) {
    let (len, cap) = (s.len(), s.capacity());
    // `s`'s own buffer: bytes `len..cap` are its spare capacity.
    populate_within(s.as_mut_str().as_mut_ptr(), (len, cap), 1, range);
}

/// Populate items `range` of `v`'s buffer, as far as they lie in its
/// spare capacity.
fn spare_items<T>(v: &mut Vec<T>, range: std::ops::Range<usize>) {
    let (len, cap) = (v.len(), v.capacity());
    populate_within(v.as_mut_ptr().cast::<u8>(), (len, cap), std::mem::size_of::<T>(), range);
}

/// Populate items `range` (of `size` bytes each) of the buffer at `base`
/// that holds `len` items and has room for `cap`, clipped to its spare
/// capacity `len..cap`.
fn populate_within(base: *mut u8, (len, cap): (usize, usize), size: usize, range: std::ops::Range<usize>) {
    let (from, to) = (range.start.max(len), range.end.min(cap));
    if from < to && size > 0 {
        populate(base.wrapping_add(from * size), (to - from) * size);
    }
}

/// Bytes a buffer is populated ahead of what is written ([`Ahead`]).
const AHEAD: usize = 64 << 10;

/// How far a growing buffer's spare capacity is populated: a step of
/// [`AHEAD`] bytes at a time, each one system call instead of a page fault
/// per page. Before writing up to `more` items (bytes of a string), the
/// buffer is populated past them, by at most one step more; so at most
/// two steps are populated and never written, however far short of its
/// reservation the buffer ends (a key text can be much shorter than the
/// text it was reserved for). A buffer that outgrows its reservation moves
/// to fresh memory that is not populated: its pages then fault in as they
/// are written, as they did before.
#[derive(Debug, Default)]
pub(crate) struct Ahead {
    /// Items (bytes) from the buffer's start that are populated.
    upto: usize,
}

impl Ahead {
    /// Before up to `more` items are pushed onto `v`.
    pub(crate) fn vec<T>(&mut self, v: &mut Vec<T>, more: usize) {
        let step = (AHEAD / std::mem::size_of::<T>().max(1)).max(1);
        if let Some(range) = self.next(v.len(), more, step) {
            spare_items(v, range);
        }
    }

    /// Before up to `more` bytes are pushed onto `s`.
    pub(crate) fn string(&mut self, s: &mut String, more: usize) {
        if let Some(range) = self.next(s.len(), more, AHEAD) {
            spare_range(s, range);
        }
    }

    /// The items to populate now, if any: from what is populated (or
    /// written) to a step past `len + more` (`more` counted up to a step).
    fn next(&mut self, len: usize, more: usize, step: usize) -> Option<std::ops::Range<usize>> {
        let need = len + more.min(step);
        if need <= self.upto {
            return None;
        }
        let from = self.upto.max(len);
        self.upto = need + step;
        Some(from..self.upto)
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn populate(start: *mut u8, bytes: usize) {
    // Only whole pages inside the buffer: the range given to the kernel
    // must start at a page boundary, and the pages at the buffer's ends may
    // hold other allocations.
    let Some((first, end)) = whole_pages(start as usize, bytes) else { return };
    // SAFETY: `first..end` lies within memory this buffer owns (its spare
    // capacity, rounded inward to whole pages), and MADV_POPULATE_WRITE
    // only faults pages in as a write would, without changing what they
    // hold; a failure (an old kernel) changes nothing either.
    unsafe {
        libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_POPULATE_WRITE);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn populate(_start: *mut u8, _bytes: usize) {}

/// Let the kernel take back the resident pages of `data`, read-only data
/// of the executable that no step will read for a while: they leave the
/// process's resident set and stay in the page cache, so a later read
/// maps them again, as the first one did, and finds the same bytes.
///
/// # Safety
///
/// `data` must be mapped from a file and never have been written since
/// (data compiled into the executable, `.rodata`, with
/// [`mapped_from_a_file`] saying so: an executable unpacked at run time has
/// it in anonymous memory, which this would zero, and pages the loader
/// wrote, such as relocated pointers, would read back as the file has
/// them).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) unsafe fn let_go(data: &'static [u8]) {
    let Some((first, end)) = whole_pages(data.as_ptr() as usize, data.len()) else { return };
    // SAFETY: `first..end` are whole pages inside `data`, which the caller
    // vouches is mapped from a file and was never written: MADV_DONTNEED
    // on such pages of a private file mapping only unmaps them, and the
    // next read maps the file's bytes again, as after the kernel reclaimed
    // them under memory pressure, which it may do at any time. A thread
    // reading `data` meanwhile reads the same bytes either way. A failure
    // changes nothing.
    unsafe {
        libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_DONTNEED);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) unsafe fn let_go(_data: &'static [u8]) {}

/// Hand the kernel back the heap's free pages (glibc's `malloc_trim`:
/// every arena's free chunks, whole pages of them, and the top of the
/// main heap). A step's freed memory otherwise stays resident: glibc keeps
/// it for the allocations to come, but those land in whichever arena their
/// thread uses, and a list the pool's workers made and the main thread
/// freed is not reused by the main thread's next allocations. Costs a walk
/// of the free lists, a system call per free run of pages, and a fault
/// per page the heap reuses later: worth it only before a step that would
/// otherwise stack its own memory on top (see the inline diffs in
/// `diff::refine_rows`). Does nothing where the allocator is not glibc's
/// (the process's `malloc` then has nothing of the comparison's).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn give_back_free_memory() {
    // SAFETY: `malloc_trim` takes each arena's lock and only returns free
    // memory; live allocations are not moved or touched.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn give_back_free_memory() {}

/// The whole pages (of the system's size) inside the `bytes` bytes at
/// address `start`, as addresses `first..end`, if there are any: what
/// `madvise` may be given without touching the memory around them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn whole_pages(start: usize, bytes: usize) -> Option<(usize, usize)> {
    // SAFETY: sysconf only reads a system constant.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).ok().filter(|&p| p > 0)?;
    let (first, end) = (start.next_multiple_of(page), (start + bytes) / page * page);
    (first < end).then_some((first, end))
}

/// Is each of `data` mapped, all of it, from a file, read-only
/// (`/proc/self/maps`: mappings with an inode and no write permission that
/// cover it without a gap)? False where that cannot be told.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn mapped_from_a_file(data: &[&[u8]]) -> bool {
    let Some(mappings) = mappings() else { return false };
    data.iter().all(|d| read_only_from_a_file(&mappings, d.as_ptr() as usize, d.as_ptr() as usize + d.len()))
}

/// `(start, end, read-only and from a file)` of every mapping of the
/// process, in order (`/proc/self/maps`), if they can be read.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn mappings() -> Option<Vec<(usize, usize, bool)>> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    Some(
        maps.lines()
            .filter_map(|line| {
                let mut fields = line.split_whitespace();
                let (range, perms, inode) = (fields.next()?, fields.next()?, fields.nth(2)?);
                let (a, b) = range.split_once('-')?;
                let (a, b) = (usize::from_str_radix(a, 16).ok()?, usize::from_str_radix(b, 16).ok()?);
                Some((a, b, !perms.contains('w') && inode != "0"))
            })
            .collect(),
    )
}

/// Is every byte of addresses `start..end` (not empty) in `mappings` (see
/// [`mappings`]) that are read-only and from a file?
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn read_only_from_a_file(mappings: &[(usize, usize, bool)], start: usize, end: usize) -> bool {
    let mut at = start;
    if start >= end {
        return false;
    }
    // Walk the mappings from the one holding `at` to the one holding the
    // last byte, each read-only and from a file.
    while at < end {
        match mappings.iter().find(|&&(a, b, _)| a <= at && at < b) {
            Some(&(_, b, true)) => at = b,
            _ => return false,
        }
    }
    true
}

/// Inputs (both versions' text, bytes) from which a comparison lets go of
/// the code of the steps it has done ([`let_go_of_code`]): below it, the
/// faults of the pages that are read again would be a larger share of
/// a run of a few milliseconds.
const LET_GO_OF_CODE_MIN: usize = 256 << 10;

/// [`let_go_of_code`], between two steps of a comparison of `bytes` of
/// text (both versions), when they are [`LET_GO_OF_CODE_MIN`] or more.
pub(crate) fn let_go_of_code_between_steps(bytes: usize) {
    if bytes >= LET_GO_OF_CODE_MIN {
        let_go_of_code();
    }
}

/// Let the kernel take back the resident pages of the code and read-only
/// data of the loaded objects: the kernel maps an executable 64 KB around
/// each page a run touches, so the code of every step done so far
/// (reading, decoding and segmenting the versions, aligning them) stays in
/// the resident set under the steps after it, 1.5-2 MB of a 1 MB pair's
/// peak. Called between steps; the code the next steps run is mapped
/// again from the page cache as they run it (a fault per 64 KB, as at
/// the start), as the kernel itself would under memory pressure.
///
/// Only pages no one has written are let go of (from a private file
/// mapping they read back as the file's bytes): the segments that are
/// neither writable nor made read-only after relocation (`PT_GNU_RELRO`),
/// of objects without relocations in their text (`DT_TEXTREL`), mapped
/// read-only from a file (an executable unpacked into anonymous memory is
/// left alone). When tvdiff's code is in the main program, every loaded
/// object's (the C library's too); when it is a library loaded by another
/// program (the Python module), its own object's alone. The vDSO is left
/// alone. Each object is let go of while the loader lists it, so none can
/// be unloaded meanwhile.
#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
fn let_go_of_code() {
    /// What the callback needs: the mappings, the address of this code,
    /// whether it is in the main program (the first object listed).
    struct Walk {
        mappings: Vec<(usize, usize, bool)>,
        here: usize,
        main: Option<bool>,
        page: usize,
    }
    /// The address ranges of object `info`'s loaded segments (`PT_LOAD`),
    /// with whether each may be let go of.
    fn segments(info: &libc::dl_phdr_info) -> Vec<(usize, usize, bool)> {
        let base = info.dlpi_addr as usize;
        // SAFETY: the loader's program headers of a loaded object.
        let headers = unsafe { std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum)) };
        let span = |h: &libc::Elf64_Phdr, size: u64| (base + h.p_vaddr as usize, base + (h.p_vaddr + size) as usize);
        let relro: Vec<(usize, usize)> =
            headers.iter().filter(|h| h.p_type == libc::PT_GNU_RELRO).map(|h| span(h, h.p_memsz)).collect();
        let text_relocated = headers.iter().filter(|h| h.p_type == libc::PT_DYNAMIC).any(|h| {
            // SAFETY: the object's dynamic section, mapped, ending with a
            // DT_NULL entry.
            unsafe {
                let mut entry = (base + h.p_vaddr as usize) as *const [u64; 2];
                loop {
                    match *entry {
                        [0, _] => break false,
                        [22, _] => break true,                       // DT_TEXTREL
                        [30, flags] if flags & 4 != 0 => break true, // DT_FLAGS: DF_TEXTREL
                        _ => entry = entry.add(1),
                    }
                }
            }
        });
        headers
            .iter()
            .filter(|h| h.p_type == libc::PT_LOAD)
            .map(|h| {
                let (start, end) = span(h, h.p_filesz);
                let never_written =
                    h.p_flags & libc::PF_W == 0 && !text_relocated && !relro.iter().any(|&(a, b)| a < end && start < b);
                (start, end, never_written)
            })
            .collect()
    }
    unsafe extern "C" fn each(
        info: *mut libc::dl_phdr_info,
        _size: libc::size_t,
        walk: *mut libc::c_void,
    ) -> libc::c_int {
        // SAFETY: the loader hands a valid `dl_phdr_info`; `walk` is the
        // `Walk` below.
        let (info, walk) = unsafe { (&*info, &mut *walk.cast::<Walk>()) };
        // SAFETY: an object's name is a C string (empty for the main program).
        let name = if info.dlpi_name.is_null() {
            &b""[..]
        } else {
            unsafe { std::ffi::CStr::from_ptr(info.dlpi_name) }.to_bytes()
        };
        let segments = segments(info);
        let ours = segments.iter().any(|&(a, b, _)| a <= walk.here && walk.here < b);
        let first = walk.main.is_none();
        if first {
            walk.main = Some(ours);
        }
        let whole_process = walk.main == Some(true);
        if name.windows(4).any(|w| w == b"vdso") || !(ours || whole_process) {
            return 0;
        }
        for (start, end, never_written) in segments {
            if !never_written || !read_only_from_a_file(&walk.mappings, start, end) {
                continue;
            }
            let (first, end) = (start.next_multiple_of(walk.page), end / walk.page * walk.page);
            if first < end {
                // SAFETY: whole pages of a segment of a loaded object
                // (which cannot be unloaded while the loader lists it),
                // mapped read-only from a file and never written (checked
                // above): MADV_DONTNEED only unmaps them, and the next read
                // maps the file's bytes again, as after the kernel
                // reclaimed them, which it may do at any time. A failure
                // changes nothing.
                unsafe { libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_DONTNEED) };
            }
        }
        0
    }
    // SAFETY: sysconf only reads a system constant.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
    let Some(mappings) = mappings().filter(|_| page > 0) else { return };
    let mut walk = Walk { mappings, here: let_go_of_code as *const () as usize, main: None, page };
    // SAFETY: the callback reads only what the loader describes and
    // writes only `walk`.
    unsafe { libc::dl_iterate_phdr(Some(each), (&raw mut walk).cast()) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64")))]
fn let_go_of_code() {}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn mapped_from_a_file(_data: &[&[u8]]) -> bool {
    false
}

#[cfg(test)]
mod tests {
    #[test]
    fn populating_leaves_a_buffer_as_it_was() {
        let mut v: Vec<u8> = (0..100).collect();
        v.reserve(4 << 20);
        super::spare(&mut v);
        assert_eq!(v, (0..100).collect::<Vec<u8>>());
        v.resize(4 << 20, 7);
        assert!(v[100..].iter().all(|&b| b == 7));
        // A small or an empty buffer is left alone.
        let mut w: Vec<u32> = Vec::new();
        super::spare(&mut w);
        assert!(w.is_empty());
        // A range of a string's buffer: only its spare capacity is touched,
        // whatever range is asked for.
        let mut s = String::with_capacity(1 << 20);
        s.push_str("在华投资兴业");
        for range in [0..1 << 20, 3..10, 100..(4 << 20), (2 << 20)..(3 << 20), std::ops::Range { start: 10, end: 5 }] {
            super::spare_range(&mut s, range);
        }
        assert_eq!(s, "在华投资兴业");
        s.extend(std::iter::repeat_n('x', 1 << 19));
        assert_eq!(s.len(), 18 + (1 << 19));
    }

    /// After the code and read-only data are let go of (while another
    /// thread runs code and reads data of its own), everything reads and
    /// runs as before; relocated data (a table of strings, a vtable) too.
    #[test]
    fn code_let_go_of_runs_the_same() {
        static DATA: &[u8] = include_bytes!("prefault.rs");
        static NAMES: [&str; 3] = ["在华", "在中国", "投资兴业"];
        let work = || {
            let sum: u64 = DATA.iter().map(|&b| u64::from(b)).sum();
            let words: Vec<String> = NAMES.iter().map(|s| s.chars().rev().collect()).collect();
            let shown: Box<dyn std::fmt::Debug> = Box::new(words.clone());
            (sum, words, format!("{shown:?}"), format!("{:?}", 1.5f64.ln()))
        };
        let before = work();
        std::thread::scope(|s| {
            let other = s.spawn(|| (0..200).map(|_| work()).all(|w| w == before));
            for _ in 0..20 {
                super::let_go_of_code();
                assert_eq!(work(), before);
            }
            assert!(other.join().unwrap());
        });
        // The segments let go of are read-only and from a file.
        #[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
        {
            let mappings = super::mappings().unwrap();
            assert!(super::read_only_from_a_file(
                &mappings,
                DATA.as_ptr() as usize,
                DATA.as_ptr() as usize + DATA.len()
            ));
            let heap = vec![1u8; 1 << 16];
            assert!(!super::read_only_from_a_file(
                &mappings,
                heap.as_ptr() as usize,
                heap.as_ptr() as usize + heap.len()
            ));
        }
    }

    /// Data compiled into the executable is mapped from its file; a heap
    /// buffer is not, nor is nothing.
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn only_the_executable_s_data_is_mapped_from_a_file() {
        static DATA: &[u8] = include_bytes!("prefault.rs");
        assert!(super::mapped_from_a_file(&[DATA]));
        assert!(!super::mapped_from_a_file(&[DATA, &vec![7u8; 1 << 20]]));
        assert!(!super::mapped_from_a_file(&[&[]]));
        // Writable data of the executable is not read-only.
        static mut WRITTEN: [u8; 64] = [1; 64];
        let written = unsafe { &*std::ptr::addr_of!(WRITTEN) };
        assert!(!super::mapped_from_a_file(&[written]));
        // The whole pages inside a buffer, at the system's page size.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap();
        let buf = vec![0u8; 3 * page];
        let (first, end) = super::whole_pages(buf.as_ptr() as usize, buf.len()).unwrap();
        assert!(first >= buf.as_ptr() as usize && end <= buf.as_ptr() as usize + buf.len());
        assert!(first % page == 0 && end % page == 0 && end - first >= page);
        assert_eq!(super::whole_pages(buf.as_ptr() as usize, page / 2), None);
    }

    #[test]
    fn ahead_populates_at_most_two_steps_past_what_is_written() {
        let mut v: Vec<u32> = Vec::with_capacity(1 << 20);
        let mut ahead = super::Ahead::default();
        let step = super::AHEAD / 4;
        for round in 0..200 {
            let more = [3, 1000, 50_000, 0][round % 4];
            ahead.vec(&mut v, more);
            assert!(ahead.upto <= v.len() + 2 * step, "{} past {}", ahead.upto, v.len());
            assert!(ahead.upto >= v.len() + more.min(step));
            v.extend((0..more.min((1 << 20) - v.len())).map(|i| i as u32));
        }
        assert!(v.iter().take(3).eq([0, 1, 2].iter()));
        // A string's bytes, and a buffer without room: nothing breaks.
        let mut s = String::with_capacity(300_000);
        let mut ahead = super::Ahead::default();
        for _ in 0..100 {
            ahead.string(&mut s, 3000);
            s.push_str(&"在华".repeat(500));
        }
        assert_eq!(s.len(), 300_000);
        ahead.string(&mut s, 3000);
        let mut empty: Vec<u64> = Vec::new();
        super::Ahead::default().vec(&mut empty, 10);
        assert!(empty.is_empty());
    }
}
