//! The output directory, safe by construction.
//!
//! - Untrusted text never decides a path: a scenario name becomes a
//!   directory name ([`dir_name`]) with no separator, no leading dot, no
//!   control character, of bounded length.
//! - Every directory renewplan writes holds a manifest, [`MANIFEST`]: the
//!   name, size and SHA-256 of every file it wrote. An existing directory
//!   is replaced without `--force` only if it is empty or holds exactly
//!   what its manifest lists, unchanged ([`check`]); so nothing renewplan
//!   did not write (or that was edited since) is ever deleted without
//!   `--force`. A directory that merely holds a `summary.json` is not a
//!   renewplan result.
//! - [`check`] runs before any simulation and again before writing.
//! - [`write_dir_streams`] writes into a temporary sibling named
//!   `.renewplan-tmp-PID-NONCE` and renames it into place; temporaries left
//!   by killed runs (their process gone) are removed by the next write.

use crate::base::error::Error;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// File name of the manifest in every directory renewplan writes.
pub const MANIFEST: &str = ".renewplan-manifest.json";
const TMP_PREFIX: &str = ".renewplan-tmp-";
const OLD_PREFIX: &str = ".renewplan-old-";
/// Age after which a temporary directory of a dead process is stale.
pub const STALE_AFTER_S: u64 = 600;
/// Longest file name most file systems accept, in bytes.
const NAME_MAX: usize = 255;
/// Longest directory name made from a scenario name, in bytes.
const DIR_NAME_MAX: usize = 100;

/// What renewplan wrote into a directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub program: String,
    pub version: String,
    /// Every file written, by relative path (`/`-separated), sorted.
    pub files: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    fn new(mut files: Vec<Entry>) -> Self {
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Manifest { program: super::output::PROGRAM.into(), version: super::output::VERSION.into(), files }
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.files.iter().find(|e| e.name == name)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// The manifest of `dir`: `Ok(None)` if it has none.
    pub fn read(dir: &Path) -> Result<Option<Manifest>, Error> {
        let path = dir.join(MANIFEST);
        if std::fs::symlink_metadata(&path).is_err() {
            return Ok(None);
        }
        let bad = |m: String| Error::Input { path: path.clone(), message: m };
        let bytes = crate::base::fsread::read(&path, crate::base::fsread::TEXT_LIMIT)
            .map_err(|e| bad(format!("cannot read: {e}")))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| bad(format!("not a renewplan manifest: {e}")))?;
        if m.program != super::output::PROGRAM || m.files.iter().any(|e| !is_relative_name(&e.name)) {
            return Err(bad("not a renewplan manifest (foreign program or file names)".into()));
        }
        Ok(Some(m))
    }

    /// Check that every file the manifest lists is in `dir` with its size
    /// and hash: the first difference, as a sentence.
    pub fn verify(&self, dir: &Path) -> Option<String> {
        for e in &self.files {
            match hash_file(&dir.join(&e.name)) {
                Ok((bytes, sha)) if bytes == e.bytes && sha == e.sha256 => {}
                Ok(_) => return Some(format!("{} was changed since renewplan wrote it", e.name)),
                Err(err) => return Some(format!("{} is missing or unreadable ({err})", e.name)),
            }
        }
        None
    }
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Size and SHA-256 of a regular file (streamed; symlinks are not followed).
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    if !std::fs::symlink_metadata(path)?.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"));
    }
    let mut w = HashingWriter::new(std::io::sink());
    std::io::copy(&mut crate::base::fsread::open(path, u64::MAX)?, &mut w)?;
    Ok(w.finish())
}

/// A writer that hashes and counts what passes through it.
pub struct HashingWriter<W: Write> {
    inner: W,
    hasher: sha2::Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        use sha2::Digest;
        HashingWriter { inner, hasher: sha2::Sha256::new(), bytes: 0 }
    }
    /// (bytes written, SHA-256 hex).
    pub fn finish(self) -> (u64, String) {
        use sha2::Digest;
        (self.bytes, hex(&self.hasher.finalize()))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A file-system-safe directory name for a scenario name: letters, digits
/// (any script) and `-_.+=,@` are kept, anything else (separators, `..`,
/// spaces, control characters, `:*?"<>|`) becomes `_`; leading dots become
/// `_` (no hidden or `..` names); at most 100 bytes; never empty.
pub fn dir_name(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        let c = if c.is_alphanumeric() || "-_.+=,@".contains(c) { c } else { '_' };
        if s.len() + c.len_utf8() > DIR_NAME_MAX {
            break;
        }
        s.push(if c == '.' && s.chars().all(|d| d == '_') { '_' } else { c });
    }
    if s.is_empty() { "scenario".into() } else { s }
}

/// A relative `/`-separated name of plain components (no `..`, no root).
fn is_relative_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && Path::new(name).components().all(|c| matches!(c, Component::Normal(_)))
        && name.split('/').all(|p| !p.is_empty() && p != "." && p != "..")
}

/// `out` without trailing slashes or `.` components, and refused (exit 2)
/// if it does not end in a directory name (`.`, `..`, `/`).
pub fn normalize(out: &Path) -> Result<PathBuf, Error> {
    let p: PathBuf = out.components().collect();
    match p.components().next_back() {
        Some(Component::Normal(name)) => {
            if name.len() > NAME_MAX {
                return Err(Error::Usage(format!(
                    "--out {}: its last component is {} bytes long; file systems accept at most {NAME_MAX}: choose a shorter name",
                    out.display(),
                    name.len()
                )));
            }
            Ok(p)
        }
        _ => Err(Error::Usage(format!(
            "--out {}: renewplan replaces its output directory as a whole, so --out must name a directory (not `.`, `..` or `/`); e.g. --out results",
            out.display()
        ))),
    }
}

/// The directory `path` is in (`.` for a bare name).
pub fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Everything under `dir` but directories (relative `/`-separated names;
/// links and other non-files included, so that they count as foreign).
fn list(dir: &Path, prefix: &str, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name } else { format!("{prefix}/{name}") };
        if entry.file_type()?.is_dir() {
            list(&entry.path(), &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// Why the existing directory `dir` is not a renewplan result that may be
/// replaced, or `None` if it may (empty, or exactly what its manifest lists,
/// unchanged).
pub fn foreign(dir: &Path) -> Result<Option<String>, Error> {
    let io = |e: std::io::Error| Error::Io { context: format!("cannot read {}", dir.display()), source: e };
    let mut names = Vec::new();
    list(dir, "", &mut names).map_err(io)?;
    if names.is_empty() {
        return Ok(None);
    }
    let Some(m) = Manifest::read(dir)? else {
        let why = if names.iter().any(|n| n == "summary.json" || n == "partial.json") {
            format!(
                "it has no {MANIFEST} (written by renewplan before 0.1 kept manifests, or not by renewplan), so renewplan cannot tell its files from yours"
            )
        } else {
            "it is not a renewplan result".to_string()
        };
        return Ok(Some(why));
    };
    if let Some(other) = names.iter().find(|n| n.as_str() != MANIFEST && m.get(n).is_none()) {
        return Ok(Some(format!("it holds {other}, which renewplan did not write")));
    }
    Ok(m.verify(dir))
}

/// Check, before any simulation, that `out` may be written: a directory
/// name, not a symbolic link, not a file, not the current directory or one
/// above it, writable, and either absent, empty or a renewplan result
/// (`force` allows replacing any other directory). Exit status 2 with the
/// reason otherwise.
pub fn check(out: &Path, force: bool) -> Result<PathBuf, Error> {
    let dir = normalize(out)?;
    if let Ok(meta) = std::fs::symlink_metadata(&dir) {
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&dir).map(|t| t.display().to_string()).unwrap_or_default();
            return Err(Error::Usage(format!(
                "--out {} is a symbolic link (to `{target}`): renewplan replaces its output directory as a whole and does not replace or follow links; give the real path",
                out.display()
            )));
        }
        if !meta.is_dir() {
            return Err(Error::Usage(format!(
                "--out {} is a file, not a directory; choose another --out",
                out.display()
            )));
        }
        if let (Ok(here), Ok(there)) = (std::env::current_dir().and_then(|p| p.canonicalize()), dir.canonicalize())
            && here.starts_with(&there)
        {
            return Err(Error::Usage(format!(
                "--out {} is the current directory or contains it; renewplan replaces its output directory as a whole: choose a subdirectory, e.g. --out results",
                out.display()
            )));
        }
        if !force && let Some(why) = foreign(&dir)? {
            return Err(Error::Usage(format!(
                "output directory {} exists and may not be replaced: {why}; choose another --out or pass --force to replace it",
                out.display()
            )));
        }
    }
    // The nearest existing ancestor must be a writable directory.
    let mut existing = parent_of(&dir);
    while std::fs::symlink_metadata(&existing).is_err() && parent_of(&existing) != existing {
        existing = parent_of(&existing);
    }
    if !existing.is_dir() {
        return Err(Error::Usage(format!(
            "cannot create the output directory {}: {} is not a directory; choose another --out",
            out.display(),
            existing.display()
        )));
    }
    let probe = existing.join(format!("{TMP_PREFIX}probe-{}", std::process::id()));
    if std::fs::write(&probe, b"").is_err() {
        return Err(Error::Usage(format!(
            "cannot write the output directory {}: {} is not writable; choose another --out",
            out.display(),
            existing.display()
        )));
    }
    let _ = std::fs::remove_file(&probe);
    Ok(dir)
}

/// Whether process `pid` may still be running (always true where that
/// cannot be told).
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}

/// Remove temporary directories in `parent` left by killed renewplan runs:
/// only names renewplan makes (`.renewplan-tmp-PID-…`, `.renewplan-old-PID-…`,
/// and before manifests `.NAME.tmp-PID-…`, `.NAME.old-PID-…`), only real
/// directories, only when process PID is gone and the directory is
/// [`STALE_AFTER_S`] old. Returns how many.
pub fn clean_stale(parent: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(parent) else { return 0 };
    let mut n = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = stale_pid(&name) else { continue };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        // Also at least 10 minutes old: a run on another host or in another
        // PID namespace sharing this directory may still be writing it.
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|a| a.as_secs() >= STALE_AFTER_S));
        if is_dir && old && !alive(pid) && std::fs::remove_dir_all(entry.path()).is_ok() {
            n += 1;
        }
    }
    n
}

/// The PID in a temporary directory name renewplan makes.
fn stale_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TMP_PREFIX).or_else(|| name.strip_prefix(OLD_PREFIX)).or_else(|| {
        let s = name.strip_prefix('.')?;
        let i = s.rfind(".tmp-").or_else(|| s.rfind(".old-"))?;
        Some(&s[i + 5..])
    })?;
    let (pid, nonce) = rest.split_once('-')?;
    if nonce.is_empty() || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    pid.parse().ok()
}

/// Files of one output directory: (relative file name, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// Writes a streamed file's contents.
pub type Writer<'a> = Box<dyn Fn(&mut dyn Write) -> std::io::Result<()> + 'a>;

/// A file written by streaming into the output directory, for files that
/// grow with the sample count.
pub struct Stream<'a> {
    pub name: String,
    pub write: Writer<'a>,
}

/// Write `files` and `streams` into `dir` atomically, with a manifest:
/// build a temporary sibling directory, then rename it into place. The
/// existing `dir` is replaced only as [`check`] allows. Returns the
/// manifest written.
pub fn write_dir_streams(dir: &Path, files: &Files, streams: &[Stream], force: bool) -> Result<Manifest, Error> {
    let io = |context: String| move |source| Error::Io { context, source };
    let out = dir;
    let dir = check(out, force)?;
    for name in files.iter().map(|f| &f.0).chain(streams.iter().map(|s| &s.name)) {
        if !is_relative_name(name) || name == MANIFEST {
            return Err(Error::Usage(format!(
                "refusing to write `{name}` into {}: not a plain file name",
                out.display()
            )));
        }
    }
    let parent = parent_of(&dir);
    std::fs::create_dir_all(&parent).map_err(io(format!("cannot create {}", parent.display())))?;
    clean_stale(&parent);
    // Unique across processes and hosts sharing the directory (PIDs repeat
    // in containers): pid and time. Its length does not depend on --out.
    let nonce = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let pid = std::process::id();
    let tmp = parent.join(format!("{TMP_PREFIX}{pid}-{nonce:x}"));
    std::fs::create_dir(&tmp).map_err(io(format!("cannot create {}", tmp.display())))?;
    let result = (|| {
        let mut entries = Vec::new();
        for (name, bytes) in files {
            let path = tmp.join(name);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).map_err(io(format!("cannot create {}", p.display())))?;
            }
            std::fs::write(&path, bytes).map_err(io(format!("cannot write {}", path.display())))?;
            entries.push(Entry { name: name.clone(), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) });
        }
        for st in streams {
            let path = tmp.join(&st.name);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).map_err(io(format!("cannot create {}", p.display())))?;
            }
            let f = std::fs::File::create(&path).map_err(io(format!("cannot write {}", path.display())))?;
            let mut w = HashingWriter::new(std::io::BufWriter::new(f));
            (st.write)(&mut w).and_then(|_| w.flush()).map_err(io(format!("cannot write {}", path.display())))?;
            let (bytes, sha256) = w.finish();
            entries.push(Entry { name: st.name.clone(), bytes, sha256 });
        }
        let manifest = Manifest::new(entries);
        std::fs::write(tmp.join(MANIFEST), manifest.to_bytes())
            .map_err(io(format!("cannot write {}", tmp.join(MANIFEST).display())))?;
        // Checked again just before replacing: another process may have
        // written into the directory while this one simulated.
        check(out, force)?;
        if std::fs::symlink_metadata(&dir).is_ok() {
            let old = parent.join(format!("{OLD_PREFIX}{pid}-{nonce:x}"));
            std::fs::rename(&dir, &old).map_err(io(format!("cannot move aside {}", dir.display())))?;
            if let Err(e) = std::fs::rename(&tmp, &dir) {
                let _ = std::fs::rename(&old, &dir);
                return Err(Error::Io { context: format!("cannot rename into {}", dir.display()), source: e });
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&tmp, &dir).map_err(io(format!("cannot rename into {}", dir.display())))?;
        }
        Ok(manifest)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// Replace some files of an existing renewplan result in place (`chart`):
/// each is written to a temporary file and renamed over the old one, then
/// the manifest is updated. A file is replaced only if the manifest lists
/// it unchanged or it does not exist; without a manifest only with `force`.
/// Nothing else in the directory is touched.
pub fn update_files(dir: &Path, files: &Files, force: bool) -> Result<Manifest, Error> {
    let io = |context: String| move |source| Error::Io { context, source };
    let meta = std::fs::symlink_metadata(dir)
        .map_err(|e| Error::Input { path: dir.to_path_buf(), message: format!("cannot read ({e})") })?;
    if !meta.is_dir() {
        return Err(Error::Input {
            path: dir.to_path_buf(),
            message: "is not a directory (a symbolic link or a file); give a result directory".into(),
        });
    }
    let mut manifest = match Manifest::read(dir)? {
        Some(m) => m,
        None if force => Manifest::new(Vec::new()),
        None => {
            return Err(Error::Input {
                path: dir.to_path_buf(),
                message: format!(
                    "has no {MANIFEST} (written by an older renewplan, or not by renewplan), so renewplan cannot tell its files from yours; pass --force to redraw the charts and report.html anyway (files of the same names are replaced), or rerun the scenario"
                ),
            });
        }
    };
    for (name, _) in files {
        if !is_relative_name(name) || name == MANIFEST {
            return Err(Error::Usage(format!("refusing to write `{name}` into {}", dir.display())));
        }
        let path = dir.join(name);
        if force || std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        let unchanged =
            manifest.get(name).is_some_and(|e| hash_file(&path).is_ok_and(|h| h == (e.bytes, e.sha256.clone())));
        if !unchanged {
            return Err(Error::Input {
                path: path.clone(),
                message:
                    "was not written by renewplan or was changed since; it is left alone: move it away or pass --force"
                        .into(),
            });
        }
    }
    let pid = std::process::id();
    for (name, bytes) in files {
        let path = dir.join(name);
        let folder = parent_of(&path);
        std::fs::create_dir_all(&folder).map_err(io(format!("cannot create {}", folder.display())))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{pid}-"))
            .tempfile_in(&folder)
            .map_err(io(format!("cannot write in {}", folder.display())))?;
        tmp.write_all(bytes).map_err(io(format!("cannot write {}", path.display())))?;
        tmp.persist(&path)
            .map_err(|e| Error::Io { context: format!("cannot write {}", path.display()), source: e.error })?;
        let entry = Entry { name: name.clone(), bytes: bytes.len() as u64, sha256: sha256_hex(bytes) };
        manifest.files.retain(|e| e.name != *name);
        manifest.files.push(entry);
    }
    let manifest = Manifest::new(manifest.files);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TMP_PREFIX}{pid}-"))
        .tempfile_in(dir)
        .map_err(io(format!("cannot write in {}", dir.display())))?;
    tmp.write_all(&manifest.to_bytes()).map_err(io(format!("cannot write {}", dir.join(MANIFEST).display())))?;
    tmp.persist(dir.join(MANIFEST)).map_err(|e| Error::Io {
        context: format!("cannot write {}", dir.join(MANIFEST).display()),
        source: e.error,
    })?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_names_become_safe_directory_names() {
        for (name, dir) in [
            ("alxa-2030", "alxa-2030"),
            ("../escaped", "___escaped"),
            ("/some/abs/dir", "_some_abs_dir"),
            ("..", "__"),
            (".hidden", "_hidden"),
            ("", "scenario"),
            ("a\u{1b}[31mred", "a__31mred"),
            ("阿拉善 2030", "阿拉善_2030"),
            ("C:\\x", "C__x"),
        ] {
            assert_eq!(dir_name(name), dir, "{name:?}");
        }
        let long = dir_name(&"名".repeat(200));
        assert!(long.len() <= DIR_NAME_MAX && !long.is_empty());
        for name in ["../escaped", "/abs", "..", "a/b"] {
            assert!(is_relative_name(&dir_name(name)) && !dir_name(name).contains('/'));
        }
    }

    #[test]
    fn temporary_names_are_recognised() {
        assert_eq!(stale_pid(".renewplan-tmp-123-abc"), Some(123));
        assert_eq!(stale_pid(".renewplan-old-7-1f"), Some(7));
        assert_eq!(stale_pid(".out.tmp-42-ff00"), Some(42));
        assert_eq!(stale_pid("out.tmp-42-ff00"), None);
        assert_eq!(stale_pid(".renewplan-tmp-x-1"), None);
        assert_eq!(stale_pid(".renewplan-tmp-1-zz"), None);
        assert_eq!(stale_pid("results"), None);
    }
}
