//! Per-entity hourly buffers (`x[entity][hour]`) reused from one sample to
//! the next: sized once, then either zeroed or only resized each sample.

/// `n` vectors of length `h`. Values already there are kept: for arrays
/// the caller overwrites in full (zeroing them first would be wasted work).
pub(crate) fn size<T: Clone>(v: &mut Vec<Vec<T>>, n: usize, h: usize, fill: T) {
    v.resize_with(n, Vec::new);
    for x in v.iter_mut() {
        x.resize(h, fill.clone());
    }
}

/// `n` vectors of `h` copies of `fill`: for arrays the caller adds into or
/// writes only in part.
pub(crate) fn reset<T: Clone>(v: &mut Vec<Vec<T>>, n: usize, h: usize, fill: T) {
    v.resize_with(n, Vec::new);
    for x in v.iter_mut() {
        x.clear();
        x.resize(h, fill.clone());
    }
}
