#define _GNU_SOURCE
#include "CSundialExecutor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

int sundial_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

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
                 const char *out, const char *err, int out_flags, short extra_flags) {
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

int sundial_spawn_executor(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                           const char *log_path) {
    return spawn(pid, path, argv, envp, NULL, "/dev/null", log_path, O_WRONLY | O_CREAT | O_APPEND,
                 POSIX_SPAWN_SETSID);
}

int sundial_unix_connect(const char *directory, const char *name) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    int dirfd = -1;
    if (snprintf(addr.sun_path, sizeof addr.sun_path, "%s/%s", directory, name) >= (int)sizeof addr.sun_path) {
        dirfd = open(directory, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) return -1;
        snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dirfd, name);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc = fd < 0 ? -1 : connect(fd, (struct sockaddr *)&addr, sizeof addr);
    int saved = errno;
    if (dirfd >= 0) close(dirfd);
    if (rc != 0) {
        if (fd >= 0) close(fd);
        errno = saved;
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

int sundial_poll_socket(int socket_fd, int want_write, int wake_fd, int timeout_ms) {
    struct pollfd fds[2] = {
        {.fd = socket_fd, .events = (short)(POLLIN | (want_write ? POLLOUT : 0))},
        {.fd = wake_fd, .events = POLLIN},
    };
    int n;
    do {
        n = poll(fds, 2, timeout_ms);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    int result = 0;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) result |= 1;
    if (fds[0].revents & POLLOUT) result |= 2;
    if (fds[1].revents & POLLIN) result |= 4;
    return result;
}

int sundial_spawn_helper(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                         const char *output_path) {
    return spawn(pid, path, argv, envp, NULL, output_path, NULL, O_WRONLY | O_CREAT | O_TRUNC, 0);
}
