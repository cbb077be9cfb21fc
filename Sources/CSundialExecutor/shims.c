#define _GNU_SOURCE
#include "CSundialExecutor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int sundial_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int sundial_pidfd_send_signal(int pidfd, int sig) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int sundial_pidfd_reap(int pidfd, int *code, int *signaled) {
    siginfo_t info;
    for (;;) {
        memset(&info, 0, sizeof info);
        if (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG) == 0) break;
        if (errno != EINTR) return -1;
    }
    if (info.si_pid == 0) return 0;
    *signaled = (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED);
    *code = info.si_status;
    return 1;
}

int sundial_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int sundial_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int sundial_epoll_remove(int epfd, int fd) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev);
}

int sundial_epoll_wait(int epfd, uint64_t *tokens, int max, int timeout_ms) {
    struct epoll_event evs[64];
    if (max > 64) max = 64;
    int n;
    do {
        n = epoll_wait(epfd, evs, max, timeout_ms);
    } while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) tokens[i] = evs[i].data.u64;
    return n;
}

int sundial_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

// Note: no O_CLOEXEC in `out_flags`: addopen keeps the flag when open() returns the target fd
// itself (fd 1 closed in the parent, say), and the file would then be closed by exec.
static int spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *cwd,
                 const char *out, const char *err, int out_flags, short extra_flags, int block_term_chld) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc) return rc;
    rc = posix_spawnattr_init(&attr);
    if (rc) {
        posix_spawn_file_actions_destroy(&fa);
        return rc;
    }
    sigset_t all, mask;
    sigfillset(&all);
    sigemptyset(&mask);
    if (block_term_chld) {
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGCHLD);
    }
    if (!rc) rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (!rc) rc = posix_spawn_file_actions_addopen(&fa, 1, out, out_flags, 0644);
    if (!rc) rc = err ? posix_spawn_file_actions_addopen(&fa, 2, err, out_flags, 0644)
                      : posix_spawn_file_actions_adddup2(&fa, 1, 2);
    if (!rc && cwd) rc = posix_spawn_file_actions_addchdir_np(&fa, cwd);
    if (!rc) rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    if (!rc) rc = posix_spawnattr_setsigdefault(&attr, &all);
    if (!rc) rc = posix_spawnattr_setsigmask(&attr, &mask);
    if (!rc) rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | extra_flags);
    if (!rc) rc = posix_spawn(pid, path, &fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

int sundial_spawn_supervisor(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                             const char *cwd, const char *stdout_path, const char *stderr_path) {
    return spawn(pid, path, argv, envp, cwd, stdout_path, stderr_path, O_WRONLY | O_CREAT | O_APPEND,
                 POSIX_SPAWN_SETSID, 1);
}

int sundial_spawn_helper(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                         const char *output_path) {
    return spawn(pid, path, argv, envp, NULL, output_path, NULL, O_WRONLY | O_CREAT | O_TRUNC, 0, 0);
}

int sundial_process_start_time(pid_t pid, uint64_t *start_time) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n;
    do {
        n = read(fd, buf, sizeof buf - 1);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    p++;
    for (int field = 3; field <= 22; field++) {
        while (*p == ' ') p++;
        if (!*p) return -1;
        if (field == 22) {
            char *end;
            unsigned long long v = strtoull(p, &end, 10);
            if (end == p) return -1;
            *start_time = (uint64_t)v;
            return 0;
        }
        while (*p && *p != ' ') p++;
    }
    return -1;
}
