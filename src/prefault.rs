//! Fresh memory faulted in ahead, in one system call.
//!
//! A comparison reads each version into fresh memory, and the first write
//! to each 4 KB page of it is a page fault taken inside the kernel's copy
//! (on a Chinese book pair, 1,300 of its 7,000 faults). Asking the kernel
//! to populate the buffer's pages before the read
//! (`madvise(MADV_POPULATE_WRITE)`, Linux 5.14) does the same work without
//! a trap per page. Only buffers whose every byte will be written are
//! populated (a file's, sized to it): populating room that stays unused
//! would add to the resident set. Elsewhere, or when the kernel refuses,
//! nothing happens and the pages fault in as they are written.

/// Buffers smaller than this are left to fault in (a system call costs
/// what a few faults do).
const MIN_BYTES: usize = 256 << 10;

/// Populate the pages of `v`'s spare capacity, so that writing it does not
/// fault.
pub(crate) fn spare<T>(v: &mut Vec<T>) {
    let spare = v.spare_capacity_mut();
    let bytes = std::mem::size_of_val(spare);
    if bytes >= MIN_BYTES {
        populate(spare.as_mut_ptr().cast::<u8>(), bytes);
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn populate(start: *mut u8, bytes: usize) {
    // Only whole pages inside the buffer: the range given to the kernel
    // must start at a page boundary, and the pages at the buffer's ends may
    // hold other allocations.
    const PAGE: usize = 4096;
    let first = (start as usize).next_multiple_of(PAGE);
    let end = (start as usize + bytes) / PAGE * PAGE;
    if end <= first {
        return;
    }
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
    }
}
