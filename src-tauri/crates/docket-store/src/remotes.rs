//! The configured remotes, kept as `remotes.json` in the data dir. Holds no secret: those are in the keyring.

use std::path::{Path, PathBuf};

use docket_core::RemoteConfig;
use serde::{Deserialize, Serialize};

const FILE_NAME: &str = "remotes.json";

#[derive(Debug, thiserror::Error)]
pub enum RemoteBookError {
    #[error("could not read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a valid remotes file ({source}); fix or remove it", path.display())]
    Corrupt {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("could not write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no remote named `{0}`: `docket remote ls` lists them")]
    Unknown(String),
    #[error("a remote named `{0}` exists already: remove it first with `docket remote rm {0}`")]
    Exists(String),
    #[error("`{0}` is not a usable remote name: use letters, digits, `-` and `_` (at most 64)")]
    BadName(String),
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RemotesFile {
    remotes: Vec<RemoteConfig>,
}

/// The remotes of one data dir.
pub struct RemoteBook {
    path: PathBuf,
}

impl RemoteBook {
    pub fn open(data_dir: &Path) -> Self {
        RemoteBook {
            path: data_dir.join(FILE_NAME),
        }
    }

    pub fn list(&self) -> Result<Vec<RemoteConfig>, RemoteBookError> {
        Ok(self.read()?.remotes)
    }

    pub fn get(&self, name: &str) -> Result<RemoteConfig, RemoteBookError> {
        self.read()?
            .remotes
            .into_iter()
            .find(|r| r.name == name)
            .ok_or_else(|| RemoteBookError::Unknown(name.to_owned()))
    }

    /// Adds a remote; with `replace`, an existing one of the same name is replaced.
    pub fn add(&self, remote: RemoteConfig, replace: bool) -> Result<(), RemoteBookError> {
        check_name(&remote.name)?;
        let mut file = self.read()?;
        if let Some(at) = file.remotes.iter().position(|r| r.name == remote.name) {
            if !replace {
                return Err(RemoteBookError::Exists(remote.name));
            }
            file.remotes[at] = remote;
        } else {
            file.remotes.push(remote);
        }
        self.write(&file)
    }

    pub fn remove(&self, name: &str) -> Result<RemoteConfig, RemoteBookError> {
        let mut file = self.read()?;
        let at = file
            .remotes
            .iter()
            .position(|r| r.name == name)
            .ok_or_else(|| RemoteBookError::Unknown(name.to_owned()))?;
        let removed = file.remotes.remove(at);
        self.write(&file)?;
        Ok(removed)
    }

    fn read(&self) -> Result<RemotesFile, RemoteBookError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|source| RemoteBookError::Corrupt {
                    path: self.path.clone(),
                    source,
                })
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(RemotesFile::default()),
            Err(source) => Err(RemoteBookError::Read {
                path: self.path.clone(),
                source,
            }),
        }
    }

    /// Writes a temporary file and renames it, so a crash never leaves half a remotes file.
    fn write(&self, file: &RemotesFile) -> Result<(), RemoteBookError> {
        let fail = |source| RemoteBookError::Write {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let json = serde_json::to_vec_pretty(file).map_err(|e| fail(std::io::Error::other(e)))?;
        let temporary = self.path.with_extension("json.tmp");
        std::fs::write(&temporary, json).map_err(fail)?;
        std::fs::rename(&temporary, &self.path).map_err(fail)
    }
}

fn check_name(name: &str) -> Result<(), RemoteBookError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(RemoteBookError::BadName(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use docket_core::Kind;

    use super::*;

    fn remote(name: &str) -> RemoteConfig {
        RemoteConfig {
            name: name.into(),
            kind: Kind::Inforouter,
            url: "http://127.0.0.1:9".into(),
            settings: [("username".to_owned(), "ada".to_owned())].into(),
        }
    }

    #[test]
    fn remotes_added_are_listed_and_found_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        RemoteBook::open(dir.path())
            .add(remote("files"), false)
            .unwrap();
        let book = RemoteBook::open(dir.path());
        assert_eq!(book.list().unwrap(), vec![remote("files")]);
        assert_eq!(book.get("files").unwrap().settings["username"], "ada");
    }

    #[test]
    fn adding_a_name_twice_is_refused_unless_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let book = RemoteBook::open(dir.path());
        book.add(remote("files"), false).unwrap();
        assert!(matches!(
            book.add(remote("files"), false),
            Err(RemoteBookError::Exists(_))
        ));
        book.add(remote("files"), true).unwrap();
        assert_eq!(book.list().unwrap().len(), 1);
    }

    #[test]
    fn removing_an_unknown_remote_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = RemoteBook::open(dir.path()).remove("nope").unwrap_err();
        assert!(err.to_string().contains("`nope`"));
    }

    #[test]
    fn names_with_path_characters_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = RemoteBook::open(dir.path())
            .add(remote("../x"), false)
            .unwrap_err();
        assert!(matches!(err, RemoteBookError::BadName(_)));
    }

    #[test]
    fn a_corrupt_file_is_reported_with_its_path_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{not json").unwrap();
        let err = RemoteBook::open(dir.path()).list().unwrap_err();
        assert!(err.to_string().contains("remotes.json"), "{err}");
        assert_eq!(
            std::fs::read(dir.path().join(FILE_NAME)).unwrap(),
            b"{not json"
        );
    }
}
