//! Peak resident memory of this process, from Linux's `/proc/self/status`
//! (`VmHWM`), which writing `5` to `/proc/self/clear_refs` resets. On other
//! systems, or where /proc is not readable, figures are reported as unknown.

/// Starts a new peak-memory measurement.
pub fn reset_peak() {
    // Not being able to reset only makes the next figure an over-estimate.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The peak resident set size in bytes since the last reset.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_grows_with_a_large_allocation_and_resets() {
        let Some(before) = peak_rss() else {
            panic!("/proc/self/status has no VmHWM: peak memory cannot be measured on this system");
        };
        let big = vec![1u8; 64 << 20];
        std::hint::black_box(&big);
        let during = peak_rss().unwrap_or(0);
        assert!(during >= before + (60 << 20), "{before} -> {during}");
        drop(big);
        reset_peak();
        let after = peak_rss().unwrap_or(u64::MAX);
        assert!(after < during, "reset: {after} should be below {during}");
    }
}
