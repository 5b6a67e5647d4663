import CGSL

/// The C heap's policy for the large, short-lived buffers that tensor ops allocate.
///
/// Every op returns a new tensor, so a training step allocates and frees tens of megabytes.
/// By default glibc serves blocks above a (dynamic, at most 32 MB) threshold with `mmap` and
/// gives freed heap tops back to the kernel, so each step's buffers come back as fresh pages:
/// one page fault and one zeroing per 4 KB. `keepFreedMemoryForReuse()` fixes the thresholds
/// high instead, so freed buffers stay in the heap and the next step reuses them. The peak
/// resident size grows by at most the memory one step frees and reuses.
package enum HeapReuse {
    /// Largest block served by `mmap` rather than the heap: 256 MB.
    package static let mmapThreshold: Int32 = 256 << 20
    /// Free memory at the heap top kept rather than returned to the kernel: 512 MB.
    package static let trimThreshold: Int32 = 512 << 20

    /// Sets glibc's `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD` to the values above, for the
    /// whole process; call it once at start-up. Results are unchanged: only where memory comes from.
    package static func keepFreedMemoryForReuse() {
        likely_keep_freed_memory(mmapThreshold, trimThreshold)
    }
}
