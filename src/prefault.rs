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
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return false };
    // (start, end, read-only and from a file) of every mapping, in order.
    let mappings: Vec<(usize, usize, bool)> = maps
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (range, perms, inode) = (fields.next()?, fields.next()?, fields.nth(2)?);
            let (a, b) = range.split_once('-')?;
            let (a, b) = (usize::from_str_radix(a, 16).ok()?, usize::from_str_radix(b, 16).ok()?);
            Some((a, b, !perms.contains('w') && inode != "0"))
        })
        .collect();
    data.iter().all(|d| {
        let (mut at, end) = (d.as_ptr() as usize, d.as_ptr() as usize + d.len());
        if d.is_empty() {
            return false;
        }
        // Walk the mappings from the one holding `at` to the one holding
        // the last byte, each read-only and from a file.
        while at < end {
            match mappings.iter().find(|&&(a, b, _)| a <= at && at < b) {
                Some(&(_, b, true)) => at = b,
                _ => return false,
            }
        }
        true
    })
}

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
