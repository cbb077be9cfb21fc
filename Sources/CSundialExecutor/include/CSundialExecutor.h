// Thin wrappers for Linux calls that Swift's Glibc module does not import
// (pidfd, epoll, the posix_spawn _np extensions) or that are variadic.
#ifndef CSUNDIALEXECUTOR_H
#define CSUNDIALEXECUTOR_H

#include <stdint.h>
#include <sys/types.h>

/// pidfd_open(2). Returns the fd or -1 with errno set.
int sundial_pidfd_open(pid_t pid);
/// pidfd_send_signal(2). Returns 0 or -1 with errno set.
int sundial_pidfd_send_signal(int pidfd, int sig);
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

/// posix_spawn of the supervisor: new session, cwd = `cwd`, fd 0 = /dev/null, fd 1/2 opened
/// (O_WRONLY|O_CREAT|O_APPEND, 0644) on the given paths, every other fd closed, every signal at
/// its default disposition and exactly SIGTERM + SIGCHLD blocked. Returns 0 or an errno value.
int sundial_spawn_supervisor(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                             const char *cwd, const char *stdout_path, const char *stderr_path);

/// posix_spawn of a helper (tar): fd 0 = /dev/null, fd 1 and 2 = `output_path` (truncated),
/// other fds closed, default signals, empty mask. Returns 0 or an errno value.
int sundial_spawn_helper(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                         const char *output_path);

/// Start time (field 22 of /proc/<pid>/stat, clock ticks since boot). Returns 0 on success,
/// -1 when the process does not exist or the file cannot be parsed.
int sundial_process_start_time(pid_t pid, uint64_t *start_time);

#endif
