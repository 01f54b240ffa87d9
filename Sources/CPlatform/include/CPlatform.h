// Atomic folder replacement and the build ID: what neither Glibc's Swift module nor swift-system exposes.
#ifndef THREATDOC_CPLATFORM_H
#define THREATDOC_CPLATFORM_H

/// Swaps two paths in one step (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np RENAME_SWAP).
/// Returns 0, or -1 with errno set (EINVAL or ENOTSUP where the file system cannot).
int threatdoc_rename_exchange(int from_folder, const char *from, int to_folder, const char *to);

/// Renames, failing with EEXIST instead of replacing what is at `to`.
int threatdoc_rename_noreplace(int from_folder, const char *from, int to_folder, const char *to);

/// Limits a child process's CPU time (RLIMIT_CPU, through prlimit); returns 0 or -1 with errno.
int threatdoc_limit_cpu_seconds(int pid, long seconds);

/// A pipe whose two ends are closed on exec from the start (pipe2 O_CLOEXEC), so that a child started
/// by another thread at the same moment cannot inherit them; returns 0 or -1 with errno.
int threatdoc_pipe_cloexec(int fds[2]);

/// The main executable's GNU build ID (a hash of the linked binary), copied into `buffer`; returns its
/// length, or 0 when the executable has none.
int threatdoc_build_id(unsigned char *buffer, int capacity);

/// The git commit the binary was built from, as `.ci/release` passes it (-DTHREATDOC_COMMIT="..."), or
/// an empty string for a development build.
const char *threatdoc_commit(void);

#endif
