//! Which boot of the OS this process runs in. Bytes handed to the OS but not fsynced survive a crash of the
//! process (the page cache keeps them) but not a reboot or a power loss; a boot id tells the two apart.

/// Linux's boot id, new at every boot; `None` where the OS has none (then only fsynced bytes are trusted).
pub fn current() -> Option<String> {
    let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let id = id.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn linux_has_a_boot_id_that_stays_the_same_within_a_boot() {
        let first = super::current().expect("a boot id on Linux");
        assert_eq!(first.len(), 36, "{first}");
        assert_eq!(super::current(), Some(first));
    }
}
