//! Reading input files with bounded resources: regular files only (never a
//! FIFO, which would block forever, nor a device such as `/dev/zero`,
//! which never ends), no larger than a limit, so that a wrong path costs an
//! error message, not the machine's memory.

use std::io::Read;
use std::path::Path;

/// Largest scenario, `partial.json` or `summary.json` accepted.
pub const TEXT_LIMIT: u64 = 64 << 20;
/// Largest data file accepted (weather series, hourly CSV series): decades
/// of hourly rows are well below this.
pub const DATA_LIMIT: u64 = 1 << 30;

/// The size of `path` if it is a regular file of at most `limit` bytes, or
/// the problem. Checked before opening: opening a FIFO for reading blocks
/// until a writer appears.
fn check(path: &Path, limit: u64) -> std::io::Result<u64> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a directory" } else { "not a regular file (a FIFO, socket or device)" };
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("is {what}; give a regular file")));
    }
    if meta.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("is {} bytes; at most {} MiB is accepted", meta.len(), limit >> 20),
        ));
    }
    Ok(meta.len())
}

/// Open a regular file of at most `limit` bytes for streaming; reads past
/// `limit` (a file growing while read) end at `limit`.
pub fn open(path: &Path, limit: u64) -> std::io::Result<std::io::Take<std::fs::File>> {
    check(path, limit)?;
    let file = std::fs::File::open(path)?;
    // The path may have been swapped between the check and the open.
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "is not a regular file; give a regular file",
        ));
    }
    Ok(file.take(limit))
}

/// The bytes of a regular file of at most `limit` bytes.
pub fn read(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let len = check(path, limit)?;
    let mut v = Vec::with_capacity(len as usize);
    open(path, limit)?.read_to_end(&mut v)?;
    Ok(v)
}

/// The text of a regular UTF-8 file of at most `limit` bytes.
pub fn read_to_string(path: &Path, limit: u64) -> std::io::Result<String> {
    String::from_utf8(read(path, limit)?).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let col = at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("is not UTF-8 text (invalid byte at line {line}, column {col}); save it as UTF-8"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_directories_and_large_files() {
        assert!(read(Path::new("/dev/zero"), DATA_LIMIT).is_err());
        assert!(read(Path::new("/"), DATA_LIMIT).is_err());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        assert!(read(&p, 9).unwrap_err().to_string().contains("at most"));
        assert_eq!(read(&p, 10).unwrap(), b"0123456789");
        std::fs::write(&p, b"ok\n\xff").unwrap();
        assert!(read_to_string(&p, 10).unwrap_err().to_string().contains("line 2, column 1"));
    }
}
