fn main() {
    // The manifest and tauri.conf.json sit at the repository root; the capabilities stay beside the shell's sources.
    // Every app command gets `allow-`/`deny-` permissions, so a window may call only what its capability lists
    // (without an app manifest, Tauri lets every window call every registered command).
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(app_commands()));
    tauri_build::try_build(attributes).expect("tauri build step failed");
}

/// The commands `src-tauri/src/bindings.rs` registers (the `module::name` paths inside `collect_commands![...]`), so
/// the list of commands exists in one place only.
fn app_commands() -> &'static [&'static str] {
    const BINDINGS: &str = "src-tauri/src/bindings.rs";
    const MACRO: &str = "collect_commands![";
    println!("cargo:rerun-if-changed={BINDINGS}");
    let source = std::fs::read_to_string(BINDINGS).expect("src-tauri/src/bindings.rs is readable");
    let start = source
        .find(MACRO)
        .expect("bindings.rs registers its commands with collect_commands![...]")
        + MACRO.len();
    let end = start
        + source[start..]
            .find(']')
            .expect("collect_commands![...] is closed");
    let names: Vec<&'static str> = source[start..end]
        .split(',')
        .map(str::trim)
        .filter(|path| !path.is_empty())
        .map(|path| path.rsplit("::").next().unwrap_or(path))
        .map(|name| &*Box::leak(name.to_owned().into_boxed_str()))
        .collect();
    Box::leak(names.into_boxed_slice())
}
