//! Parallel: takes independent pieces of work (an environment each, or chunks of files), gives their
//! results in order, computed on scoped threads so that both cores work; and frees large values on a
//! thread of their own.

/// `work` applied to `items` in consecutive chunks, one per thread (at most `threads`), the results in
/// order; on this thread alone when `threads` is 1 or there are fewer than 64 items, too few to share.
pub(crate) fn chunks<T: Sync, R: Send>(items: &[T], threads: usize, work: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    if threads < 2 || items.len() < 64 {
        return vec![work(items)];
    }
    let size = items.len().div_ceil(threads);
    let chunks: Vec<&[T]> = items.chunks(size).collect();
    map(&chunks, |chunk| work(chunk))
}

/// `work` applied to each item, in the items' order; each item but the first on a scoped thread of its
/// own, the first on this thread. This thread's allocator then hands what it freed before (the parsed
/// platform's intermediate tables, some ten megabytes at N=1000) to that item's work, where a new thread
/// would touch fresh pages.
pub(crate) fn map<'a, T: Sync, R: Send>(items: &'a [T], work: impl Fn(&'a T) -> R + Sync) -> Vec<R> {
    let Some((first, rest)) = items.split_first() else { return Vec::new() };
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = rest.iter().map(|item| scope.spawn(move || work(item))).collect();
        let first = work(first);
        std::iter::once(first)
            .chain(
                handles
                    .into_iter()
                    .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))),
            )
            .collect()
    })
}

/// Frees `value` on a thread of its own, so that whoever made it goes on at once: a large platform's
/// resolved environments and loaded model are hundreds of thousands of small allocations, and freeing
/// them one by one took about 10 ms of a `check` (N=1000 x 3) on the one thread that had work left. The
/// thread is not waited for; if the process ends first, the operating system takes the memory back whole.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    let spawned = std::thread::Builder::new().name("drop".to_owned()).spawn(move || drop(value));
    // No thread to be had: the value was dropped with the closure, here.
    let _ = spawned;
}

#[cfg(test)]
mod tests {
    use super::{chunks, map};

    #[test]
    fn results_come_in_the_items_order_and_the_first_item_runs_on_this_thread() {
        let here = std::thread::current().id();
        let items: Vec<usize> = (0..5).collect();
        let done = map(&items, |item| (*item * 10, std::thread::current().id() == here));
        assert_eq!(done, [(0, true), (10, false), (20, false), (30, false), (40, false)]);
        assert!(map(&[] as &[usize], |item| *item).is_empty());

        let many: Vec<usize> = (0..100).collect();
        let sums = chunks(&many, 3, |chunk| (chunk[0], chunk.len(), std::thread::current().id() == here));
        assert_eq!(sums, [(0, 34, true), (34, 34, false), (68, 32, false)]);
        assert_eq!(chunks(&many[..10], 3, <[usize]>::len), [10], "too few to share");
    }
}
