//! Parallel: takes independent pieces of work (one per environment, mostly), gives their results in order,
//! each piece on a thread of its own when there are several, so both cores work on a platform of several
//! environments.

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
