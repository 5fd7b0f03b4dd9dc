//! The report is committed and read elsewhere: absolute paths of the machine that ran it (the checkout, the work
//! dir, the binaries, the home and temp dirs) are written relative to the checkout or by a name, wherever they
//! turn up (method texts, error messages of failed commands).

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct RelativePaths {
    /// Absolute prefix and what is written instead, longest prefix first.
    rules: Vec<(String, String)>,
}

impl RelativePaths {
    /// `checkout`'s paths relative to it; each of `named` outside it by its name; then the home and temp dirs.
    pub fn new(checkout: &Path, named: &[(&Path, &str)]) -> RelativePaths {
        let mut rules = Vec::new();
        for (path, name) in named {
            let inside = forms(path)
                .iter()
                .any(|p| forms(checkout).iter().any(|c| p.starts_with(c) && p != c));
            if !inside {
                for form in forms(path) {
                    rules.push((display(&form), (*name).to_owned()));
                }
            }
        }
        for form in forms(checkout) {
            rules.push((format!("{}/", display(&form)), String::new()));
            rules.push((display(&form), ".".to_owned()));
        }
        if let Some(home) = std::env::var_os("HOME").filter(|h| h.len() > 1) {
            for form in forms(Path::new(&home)) {
                rules.push((display(&form), "~".to_owned()));
            }
        }
        for form in forms(&std::env::temp_dir()) {
            rules.push((display(&form), "$TMPDIR".to_owned()));
        }
        // Longest first, so the checkout's own path is not taken out of a longer one named on its own.
        rules.retain(|(from, _)| from.len() > 1);
        rules.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
        rules.dedup_by(|a, b| a.0 == b.0);
        RelativePaths { rules }
    }

    pub fn apply(&self, text: &str) -> String {
        self.rules
            .iter()
            .fold(text.to_owned(), |text, (from, to)| text.replace(from, to))
    }
}

/// The path as given and as resolved (through symlinks), when they differ.
fn forms(path: &Path) -> Vec<PathBuf> {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut forms = vec![absolute.clone()];
    if let Ok(resolved) = absolute.canonicalize() {
        if resolved != absolute {
            forms.push(resolved);
        }
    }
    forms
}

fn display(path: &Path) -> String {
    path.to_string_lossy().trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_checkout_are_written_relative_to_it() {
        let paths = RelativePaths::new(Path::new("/srv/checkout"), &[]);
        assert_eq!(
            paths.apply("`/srv/checkout/target/release/docket get x` failed in /srv/checkout"),
            "`target/release/docket get x` failed in ."
        );
    }

    #[test]
    fn a_work_dir_outside_the_checkout_is_written_by_its_name() {
        let paths = RelativePaths::new(
            Path::new("/srv/checkout"),
            &[(Path::new("/scratch/bench-work"), "<work dir>")],
        );
        assert_eq!(
            paths.apply("/scratch/bench-work/straight/docket: no space"),
            "<work dir>/straight/docket: no space"
        );
    }
}
