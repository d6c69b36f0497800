//! The C heap's platform calls (used by the test hooks only).

/// Gives the C heap's free pages back to the OS: glibc's `malloc_trim(0)`.
/// `false` where the C library has no such call (musl, macOS, Windows).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn trim() -> bool {
    // SAFETY: malloc_trim only releases memory no allocation holds; it takes
    // the allocator's own locks and may be called from any thread.
    unsafe { libc::malloc_trim(0) };
    true
}

/// Gives the C heap's free pages back to the OS: glibc's `malloc_trim(0)`.
/// `false` where the C library has no such call (musl, macOS, Windows).
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn trim() -> bool {
    false
}
