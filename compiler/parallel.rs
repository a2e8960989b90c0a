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
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items.chunks(size).map(|chunk| scope.spawn(move || work(chunk))).collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

/// `work` applied to each item, in the items' order; on scoped threads when there is more than one item.
pub(crate) fn map<'a, T: Sync, R: Send>(items: &'a [T], work: impl Fn(&'a T) -> R + Sync) -> Vec<R> {
    if items.len() < 2 {
        return items.iter().map(work).collect();
    }
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items.iter().map(|item| scope.spawn(move || work(item))).collect();
        handles
            .into_iter()
            .map(|handle| handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
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
