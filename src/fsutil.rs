//! Private files: folders created 0700, files written atomically (temp file in the same
//! folder, fsync, rename) with mode 0600. Used for tokens, credentials, caches and config.
//! The user's own files (`~/.aws/config`, `config.toml`) are written the same way but keep
//! their mode, and a symlink to one (dotfiles) is followed: its target is what gets replaced.
//! And reading files of bounded size: every file centry reads whole goes through
//! [`read_limited`] with the limit of its kind, so a huge or endless file is refused with a clear
//! error instead of exhausting memory.

use std::io::{Read, Write};
use std::path::Path;

/// What kind of file is read, and so how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Token and credential caches (a few KiB in practice): 1 MiB.
    TokenCache,
    /// Configuration: `~/.aws/config`, `config.toml`, `keymap.toml`: 8 MiB.
    Config,
    /// Access snapshots and baselines (about 1 KiB per assignment): 64 MiB.
    Snapshot,
}

impl FileKind {
    /// The largest file of this kind centry reads, in bytes.
    pub const fn limit(self) -> u64 {
        match self {
            FileKind::TokenCache => 1 << 20,
            FileKind::Config => 8 << 20,
            FileKind::Snapshot => 64 << 20,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            FileKind::TokenCache => "a token cache file",
            FileKind::Config => "a configuration file",
            FileKind::Snapshot => "a snapshot file",
        }
    }
}

/// Read a whole file of `kind`, refusing it (with an error naming the file, its size and the
/// limit, kind `FileTooLarge`) when it is larger than the kind's limit. Files that grow while
/// read, and pipes, are cut off at the limit and refused the same way.
pub fn read_limited(path: &Path, kind: FileKind) -> std::io::Result<Vec<u8>> {
    let limit = kind.limit();
    let file = std::fs::File::open(path)?;
    let too_large = |size: &str| {
        std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "{} is {size}: {} may be at most {} MiB",
                path.display(),
                kind.noun(),
                limit >> 20
            ),
        )
    };
    let size = file.metadata()?.len();
    if size > limit {
        return Err(too_large(&format!("{} MiB", size.div_ceil(1 << 20))));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large("larger than that"));
    }
    Ok(bytes)
}

/// [`read_limited`], as UTF-8 text.
pub fn read_text_limited(path: &Path, kind: FileKind) -> std::io::Result<String> {
    String::from_utf8(read_limited(path, kind)?).map_err(|_| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} is not UTF-8 text", path.display()),
        )
    })
}

/// Create a folder (and parents) readable only by the owner.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
        }
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)?;
    Ok(())
}

/// Make an existing file readable only by the owner.
pub fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    let _ = path;
    Ok(())
}

/// Write `bytes` to `path` atomically with mode 0600, creating the folder 0700 if needed.
/// Readers see the old content or the new, never a torn file.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(path, bytes, 0o600)
}

/// Write a file the user owns and may have set up their own way: a symlink is followed to the
/// file it names (which is replaced atomically, in its own folder, so the link stays a link),
/// and an existing file keeps its mode. A new file is created 0600 (in a 0700 folder).
pub fn write_user_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = resolve_links(path)?;
    let mode = existing_mode(&target)?.unwrap_or(0o600);
    write_atomic(&target, bytes, mode)
}

/// Follow symlinks from `path` to the file they finally name (which may not exist yet).
fn resolve_links(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = std::fs::read_link(&at)?;
                at = match at.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            Ok(_) => return Ok(at),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(at),
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// The permission bits of an existing file, `None` if there is none.
fn existing_mode(path: &Path) -> std::io::Result<Option<u32>> {
    match std::fs::metadata(path) {
        #[cfg(unix)]
        Ok(m) => {
            use std::os::unix::fs::PermissionsExt;
            Ok(Some(m.permissions().mode() & 0o7777))
        }
        #[cfg(not(unix))]
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Temp file beside `path` with `mode`, written, synced, renamed over `path`.
fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("path has no parent folder"))?;
    create_private_dir(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode);
        }
        let _ = mode;
        let mut f = opts.open(&tmp)?;
        #[cfg(unix)]
        {
            // The umask may have narrowed the mode asked for at creation.
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_beyond_their_kind_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        std::fs::write(&path, b"{}").unwrap();
        assert_eq!(read_limited(&path, FileKind::TokenCache).unwrap(), b"{}");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(FileKind::TokenCache.limit() + 1).unwrap();
        let err = read_limited(&path, FileKind::TokenCache).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
        assert!(err.to_string().contains("at most 1 MiB"), "{err}");
        assert!(read_limited(&path, FileKind::Config).is_ok());
    }

    #[test]
    fn private_files_are_0600_in_0700_folders() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/token.json");
        write_private(&path, b"{}").unwrap();
        write_private(&path, b"{\"a\":1}").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"a\":1}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let dmode = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(dmode, 0o700);
        }
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp files left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_user_file_has_its_target_replaced_keeping_the_link_and_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let dotfiles = dir.path().join("dotfiles");
        std::fs::create_dir(&dotfiles).unwrap();
        let target = dotfiles.join("aws-config");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let aws = dir.path().join(".aws");
        std::fs::create_dir(&aws).unwrap();
        let link = aws.join("config");
        std::os::unix::fs::symlink("../dotfiles/aws-config", &link).unwrap();
        write_user_file(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_eq!(
            std::fs::read_dir(&dotfiles).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
