//! Per-sample metric rows in bounded memory.
//!
//! A run keeps one row of metrics per sample (issue 7: nothing else grows
//! with the sample count). Rows arrive in sample order and are grouped in
//! chunks of [`CHUNK`] rows stored column-major, so one metric's values
//! across samples (what estimates, quantiles and the median sample need)
//! are read chunk by chunk, and rows (what `samples.csv` needs) are
//! rebuilt one chunk at a time. Up to [`MEMORY_BUDGET`] bytes of chunks stay
//! in memory; beyond that, chunks go to an anonymous temporary file
//! (`tempfile::tempfile`, deleted by the operating system when the run
//! ends, even if it is killed). If the file cannot be created or written
//! (no temporary directory, disk full), chunks stay in memory: slower to
//! fail, never wrong. This is the engine's only I/O.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// Rows per chunk.
pub const CHUNK: usize = 1024;

/// Bytes of row chunks kept in memory before spilling to a file (4 MB:
/// about 4,000 samples of 125 metrics).
pub const MEMORY_BUDGET: usize = 4 << 20;

#[derive(Debug)]
enum Chunk {
    /// Column-major values: `v[j * rows + i]` is metric `j` of row `i`.
    Memory(Vec<f64>),
    /// The same layout at this byte offset of the spill file.
    File(u64),
}

/// Rows of `width` metrics, in sample order.
#[derive(Debug)]
pub struct Rows {
    width: usize,
    len: usize,
    /// Full chunks.
    chunks: Vec<Chunk>,
    /// Rows of the chunk being filled, row-major.
    pending: Vec<f64>,
    memory_bytes: usize,
    budget: usize,
    /// Spill file and its length; `None` until needed (or if unavailable).
    file: Option<Mutex<(std::fs::File, u64)>>,
    spill_failed: bool,
}

impl Rows {
    pub fn new(width: usize) -> Self {
        Self::with_budget(width, MEMORY_BUDGET)
    }

    /// Rows with a given in-memory budget in bytes (tests use a small one to
    /// exercise the spill file).
    pub fn with_budget(width: usize, budget: usize) -> Self {
        Rows {
            width,
            len: 0,
            chunks: Vec::new(),
            pending: Vec::new(),
            memory_bytes: 0,
            budget,
            file: None,
            spill_failed: false,
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether some chunks live in the temporary file.
    pub fn spilled(&self) -> bool {
        self.chunks.iter().any(|c| matches!(c, Chunk::File(_)))
    }

    /// Append one row (its length must be the width; extra values are
    /// ignored and missing ones are NaN, so a mismatch cannot corrupt
    /// other rows).
    pub fn push(&mut self, row: &[f64]) {
        debug_assert_eq!(row.len(), self.width, "row width");
        self.pending.extend((0..self.width).map(|j| row.get(j).copied().unwrap_or(f64::NAN)));
        self.len += 1;
        if self.pending.len() == CHUNK * self.width {
            self.seal();
        }
    }

    /// Append all rows of `other`.
    pub fn append(&mut self, other: &Rows) {
        other.for_each_chunk(|rows, cols| {
            let mut row = vec![0.0; self.width];
            for i in 0..rows {
                for (j, x) in row.iter_mut().enumerate() {
                    *x = cols[j * rows + i];
                }
                self.push(&row);
            }
        });
    }

    /// Move the full pending chunk to column-major storage.
    fn seal(&mut self) {
        let w = self.width;
        let mut cols = vec![0.0; CHUNK * w];
        for i in 0..CHUNK {
            for j in 0..w {
                cols[j * CHUNK + i] = self.pending[i * w + j];
            }
        }
        self.pending.clear();
        let bytes = cols.len() * 8;
        if self.memory_bytes + bytes > self.budget
            && !self.spill_failed
            && let Some(offset) = self.spill(&cols)
        {
            self.chunks.push(Chunk::File(offset));
            return;
        }
        self.memory_bytes += bytes;
        self.chunks.push(Chunk::Memory(cols));
    }

    /// Write a chunk to the spill file; its offset, or `None` (and no more
    /// attempts) when the file cannot be used.
    fn spill(&mut self, cols: &[f64]) -> Option<u64> {
        if self.file.is_none() {
            match tempfile::tempfile() {
                Ok(f) => self.file = Some(Mutex::new((f, 0))),
                Err(_) => {
                    self.spill_failed = true;
                    return None;
                }
            }
        }
        let mut guard = self.file.as_ref()?.lock().ok()?;
        let (file, end) = &mut *guard;
        let offset = *end;
        let bytes: Vec<u8> = cols.iter().flat_map(|x| x.to_le_bytes()).collect();
        let ok = file.seek(SeekFrom::Start(offset)).is_ok() && file.write_all(&bytes).is_ok();
        if ok {
            *end += bytes.len() as u64;
            Some(offset)
        } else {
            drop(guard);
            self.spill_failed = true;
            None
        }
    }

    /// Call `f(rows, column_major_values)` for every chunk in order, the
    /// last one possibly partial.
    fn for_each_chunk(&self, mut f: impl FnMut(usize, &[f64])) {
        let mut buf = Vec::new();
        for c in &self.chunks {
            match c {
                Chunk::Memory(v) => f(CHUNK, v),
                Chunk::File(offset) => {
                    self.read_chunk(*offset, &mut buf);
                    f(CHUNK, &buf);
                }
            }
        }
        let rows = self.pending.len() / self.width.max(1);
        if rows > 0 {
            let w = self.width;
            let mut cols = vec![0.0; rows * w];
            for i in 0..rows {
                for j in 0..w {
                    cols[j * rows + i] = self.pending[i * w + j];
                }
            }
            f(rows, &cols);
        }
    }

    fn read_chunk(&self, offset: u64, buf: &mut Vec<f64>) {
        let n = CHUNK * self.width;
        let mut bytes = vec![0u8; n * 8];
        // The file is private to this process and was written by `spill`;
        // failing to read it back is a failure of the machine (I/O error on
        // the temporary disk), not of the input.
        let file = self.file.as_ref().expect("a spilled chunk implies a spill file");
        let mut guard = file.lock().unwrap_or_else(|e| e.into_inner());
        let (f, _) = &mut *guard;
        f.seek(SeekFrom::Start(offset))
            .and_then(|_| f.read_exact(&mut bytes))
            .expect("cannot read back sample rows from the temporary spill file (I/O error)");
        buf.clear();
        buf.extend(bytes.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap_or([0; 8]))));
    }

    /// Values of metric `j` in sample order.
    pub fn column(&self, j: usize) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.len);
        if j >= self.width {
            return out;
        }
        self.for_each_chunk(|rows, cols| out.extend_from_slice(&cols[j * rows..(j + 1) * rows]));
        out
    }

    /// Call `f(index, row)` for every row in order; stops at the first error.
    pub fn try_for_each_row<E>(&self, mut f: impl FnMut(usize, &[f64]) -> Result<(), E>) -> Result<(), E> {
        let mut result = Ok(());
        let mut index = 0;
        let mut row = vec![0.0; self.width];
        self.for_each_chunk(|rows, cols| {
            for i in 0..rows {
                if result.is_err() {
                    return;
                }
                for (j, x) in row.iter_mut().enumerate() {
                    *x = cols[j * rows + i];
                }
                result = f(index, &row);
                index += 1;
            }
        });
        result
    }

    /// All rows (tests and small runs).
    pub fn to_vec(&self) -> Vec<Vec<f64>> {
        let mut v = Vec::with_capacity(self.len);
        let _ = self.try_for_each_row(|_, r| {
            v.push(r.to_vec());
            Ok::<(), ()>(())
        });
        v
    }
}

impl Clone for Rows {
    fn clone(&self) -> Self {
        let mut r = Rows::with_budget(self.width, self.budget);
        r.append(self);
        r
    }
}

impl PartialEq for Rows {
    fn eq(&self, other: &Self) -> bool {
        self.width == other.width && self.len == other.len && self.to_vec() == other.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_rows(n: usize, w: usize) -> Vec<Vec<f64>> {
        (0..n).map(|i| (0..w).map(|j| (i * 1000 + j) as f64 + 0.25).collect()).collect()
    }

    #[test]
    fn rows_round_trip_in_memory_and_through_the_spill_file() {
        for (budget, n) in [(MEMORY_BUDGET, 10), (MEMORY_BUDGET, 3 * CHUNK + 5), (0, 3 * CHUNK + 5), (0, CHUNK)] {
            let w = 7;
            let want = sample_rows(n, w);
            let mut r = Rows::with_budget(w, budget);
            for row in &want {
                r.push(row);
            }
            assert_eq!(r.len(), n);
            assert_eq!(r.spilled(), budget == 0 && n >= CHUNK, "budget {budget}, {n} rows");
            assert_eq!(r.to_vec(), want);
            for j in 0..w {
                let col: Vec<f64> = want.iter().map(|x| x[j]).collect();
                assert_eq!(r.column(j), col);
            }
            assert!(r.column(w).is_empty());
            let mut copy = Rows::with_budget(w, budget);
            copy.append(&r);
            copy.append(&r);
            assert_eq!(copy.len(), 2 * n);
            assert_eq!(copy.to_vec()[n..], want[..]);
            assert!(r.clone() == r);
        }
    }

    #[test]
    fn row_visitor_stops_at_the_first_error() {
        let mut r = Rows::with_budget(2, 0);
        for row in sample_rows(CHUNK + 10, 2) {
            r.push(&row);
        }
        let mut seen = 0;
        let e = r.try_for_each_row(|i, _| {
            seen += 1;
            if i == 5 { Err("stop") } else { Ok(()) }
        });
        assert_eq!(e, Err("stop"));
        assert_eq!(seen, 6);
    }
}
