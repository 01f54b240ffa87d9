#define _GNU_SOURCE
#include "CPlatform.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <elf.h>
#include <link.h>
#include <sys/syscall.h>
#include <linux/fs.h>
#endif

#if defined(__linux__)
static int rename2(int from_folder, const char *from, int to_folder, const char *to, unsigned int flags) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, from_folder, from, to_folder, to, flags);
#else
    errno = ENOSYS;
    return -1;
#endif
}
#endif

/* One rename with a flag of Linux's renameat2 or macOS's renameatx_np. */
static int rename_with(int from_folder, const char *from, int to_folder, const char *to, unsigned linux_flag, unsigned apple_flag) {
#if defined(__linux__)
    (void)apple_flag;
    return rename2(from_folder, from, to_folder, to, linux_flag);
#elif defined(__APPLE__)
    (void)linux_flag;
    return renameatx_np(from_folder, from, to_folder, to, apple_flag);
#else
    (void)from_folder; (void)from; (void)to_folder; (void)to; (void)linux_flag; (void)apple_flag;
    errno = ENOTSUP;
    return -1;
#endif
}

#if defined(__linux__)
#define LINUX_FLAG(name) name
#else
#define LINUX_FLAG(name) 0
#endif
#if defined(__APPLE__)
#define APPLE_FLAG(name) name
#else
#define APPLE_FLAG(name) 0
#endif

int threatdoc_rename_exchange(int from_folder, const char *from, int to_folder, const char *to) {
    return rename_with(from_folder, from, to_folder, to, LINUX_FLAG(RENAME_EXCHANGE), APPLE_FLAG(RENAME_SWAP));
}

int threatdoc_rename_noreplace(int from_folder, const char *from, int to_folder, const char *to) {
    return rename_with(from_folder, from, to_folder, to, LINUX_FLAG(RENAME_NOREPLACE), APPLE_FLAG(RENAME_EXCL));
}

#if defined(__linux__)
struct build_id_search {
    unsigned char *buffer;
    int capacity;
    int length;
};

static int find_build_id(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct build_id_search *search = data;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *segment = &info->dlpi_phdr[index];
        if (segment->p_type != PT_NOTE) continue;
        const unsigned char *start = (const unsigned char *)(info->dlpi_addr + segment->p_vaddr);
        size_t offset = 0;
        while (offset + sizeof(ElfW(Nhdr)) <= segment->p_memsz) {
            const ElfW(Nhdr) *note = (const ElfW(Nhdr) *)(start + offset);
            size_t name = offset + sizeof(ElfW(Nhdr));
            size_t description = name + ((note->n_namesz + 3) & ~3u);
            size_t end = description + ((note->n_descsz + 3) & ~3u);
            if (end > segment->p_memsz) break;
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 && memcmp(start + name, "GNU", 4) == 0
                && (int)note->n_descsz <= search->capacity) {
                memcpy(search->buffer, start + description, note->n_descsz);
                search->length = (int)note->n_descsz;
                return 1;
            }
            offset = end;
        }
    }
    return 1; /* the first object is the main program: stop after it */
}
#endif

int threatdoc_build_id(unsigned char *buffer, int capacity) {
#if defined(__linux__)
    struct build_id_search search = { buffer, capacity, 0 };
    dl_iterate_phdr(find_build_id, &search);
    return search.length;
#else
    (void)buffer;
    (void)capacity;
    return 0;
#endif
}

int threatdoc_limit_cpu_seconds(int pid, long seconds) {
#if defined(__linux__)
    struct rlimit limit = { (rlim_t)seconds, (rlim_t)seconds + 1 };
    return prlimit(pid, RLIMIT_CPU, &limit, NULL);
#else
    (void)pid;
    (void)seconds;
    errno = ENOTSUP;
    return -1;
#endif
}

int threatdoc_pipe_cloexec(int fds[2]) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

#ifndef THREATDOC_COMMIT
#define THREATDOC_COMMIT ""
#endif

const char *threatdoc_commit(void) { return THREATDOC_COMMIT; }
