// Thin wrappers for Linux calls that Swift's Glibc module does not import
// (pidfd, epoll, the posix_spawn _np extensions) or that are variadic.
#ifndef CSUNDIALEXECUTOR_H
#define CSUNDIALEXECUTOR_H

#include <stdint.h>
#include <sys/types.h>

/// pidfd_open(2). Returns the fd or -1 with errno set.
int sundial_pidfd_open(pid_t pid);
/// waitid(P_PIDFD, pidfd, WEXITED|WNOHANG): reaps the process if it is our exited child.
/// Returns 1 when reaped (status in *code/*signaled), 0 when not yet exited, -1 with errno (ECHILD: not our child).
int sundial_pidfd_reap(int pidfd, int *code, int *signaled);

/// epoll_create1(EPOLL_CLOEXEC).
int sundial_epoll_create(void);
/// EPOLL_CTL_ADD for EPOLLIN | EPOLLONESHOT with `token` as data. One-shot, and removed with
/// sundial_epoll_remove before close: a concurrent posix_spawn briefly holds a copy of every fd,
/// which would keep a merely closed fd registered (and firing).
int sundial_epoll_add(int epfd, int fd, uint64_t token);
/// EPOLL_CTL_DEL.
int sundial_epoll_remove(int epfd, int fd);
/// epoll_wait; writes up to `max` tokens. Returns the count, or -1 with errno.
int sundial_epoll_wait(int epfd, uint64_t *tokens, int max, int timeout_ms);
/// eventfd(0, EFD_CLOEXEC|EFD_NONBLOCK).
int sundial_eventfd(void);

/// posix_spawn of `sundial-executor`: new session (it outlives the server), fd 0 and 1 =
/// /dev/null, fd 2 appended to `log_path`, every other fd closed, default signal dispositions,
/// empty mask. Returns 0 or an errno value.
int sundial_spawn_executor(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                           const char *log_path);

/// A non-blocking, close-on-exec connection to the unix socket `directory`/`name`, reached
/// through /proc/self/fd when the path is longer than a socket address allows.
/// Returns the fd or -1 with errno set.
int sundial_unix_connect(const char *directory, const char *name);

/// poll(2) on a socket (POLLIN, plus POLLOUT when `want_write`) and a wake-up eventfd.
/// Returns a bit set: 1 socket readable or closed, 2 socket writable, 4 woken; -1 on error.
int sundial_poll_socket(int socket_fd, int want_write, int wake_fd, int timeout_ms);

/// posix_spawn of a helper (tar): fd 0 = /dev/null, fd 1 and 2 = `output_path` (truncated),
/// other fds closed, default signals, empty mask. Returns 0 or an errno value.
int sundial_spawn_helper(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                         const char *output_path);

#endif
