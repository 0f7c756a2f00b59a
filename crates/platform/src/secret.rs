//! Values that must never be printed: passwords, database URLs with their
//! credentials, key material. `Debug` and `Display` show `[redacted]`; the
//! value is reached only by [`Secret::expose`], which is easy to find in a
//! review. Settings take a secret from the environment or, better in
//! Kubernetes, from a file (`..._FILE`, a mounted Secret): [`from_file`].

use std::{fmt, str::FromStr};

#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself, for the one place that uses it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl FromStr for Secret<String> {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        Ok(Self(raw.to_owned()))
    }
}

/// A clap value parser: the secret is the content of the file named (a
/// trailing newline, as `kubectl create secret` and editors leave it, is
/// not part of it). The error names the file, never its content.
pub fn from_file(path: &str) -> Result<Secret<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    Ok(Secret(text.trim_end_matches(['\r', '\n']).to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_its_value() {
        let s = Secret::new("postgres://ships:hunter2@db/ships".to_owned());
        assert_eq!(
            format!("{s:?} {s} {:?}", Some(&s)),
            "[redacted] [redacted] Some([redacted])"
        );
        assert_eq!(s.expose(), "postgres://ships:hunter2@db/ships");
    }

    #[test]
    fn a_file_secret_loses_its_trailing_newline_and_errors_name_only_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("url");
        std::fs::write(&path, "postgres://u:p@db/x\n").unwrap();
        assert_eq!(
            from_file(path.to_str().unwrap()).unwrap().expose(),
            "postgres://u:p@db/x"
        );
        let err = from_file("/nonexistent/secret").unwrap_err();
        assert!(err.contains("/nonexistent/secret"), "{err}");
    }
}
