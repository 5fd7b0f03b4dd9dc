fn main() {
    // The manifest and tauri.conf.json sit at the repository root; the capabilities stay beside the shell's sources.
    let attributes =
        tauri_build::Attributes::new().capabilities_path_pattern("src-tauri/capabilities/**/*");
    tauri_build::try_build(attributes).expect("tauri build step failed");
}
