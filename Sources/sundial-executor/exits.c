#define _GNU_SOURCE
#include "executor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// How long the reaper waits for a spawner thread to hand over a task it started: a spawner
// only takes a lock and writes an eventfd after its vfork returns, so this is never reached
// unless something is badly wrong.
#define SPAWNER_HANDOVER_SECONDS 5.0

void reap(void) {
    pid_t waiting_for = 0;
    double waiting_since = 0;
    for (;;) {
        siginfo_t info;
        memset(&info, 0, sizeof info);
        // Peek first: while the exited process is unreaped its pid (= its group id) cannot be
        // reused, so the group kill below cannot hit a stranger.
        if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
            if (errno == EINTR) continue;
            return;  // ECHILD
        }
        if (info.si_pid == 0) return;
        pid_t pid = info.si_pid;
        struct task *t = tasks_find_pid(&tasks, pid);
        if (!t && guardian_is_marked(pid)) {
            // A task that exited before its spawner thread handed it over: take it first,
            // or its exit would be reaped as a stranger's and the task never end.
            double now = now_seconds();
            if (waiting_for != pid) {
                waiting_for = pid;
                waiting_since = now;
            }
            if (now - waiting_since < SPAWNER_HANDOVER_SECONDS) {
                spawners_wait(100);
                finish_started_launches();
                continue;
            }
            log_message("a started task was never handed over by its spawner thread: reaped as a stranger");
            guardian_unmark(pid);  // its pid is about to be free
        }
        if (t) {
            kill(-pid, SIGKILL);  // the task is over when its main process is
            guardian_unmark(pid);  // before the pid is free again
        }
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (!t) continue;  // something a task left behind
        // The retention sweep reads the task's end from this (no status file, no fsync).
        utimensat(AT_FDCWD, t->sandbox, NULL, 0);
        tasks_mark_exited(&tasks, t, status);
        broadcast_exit(t);
        while (tasks.done.count > MAX_UNACKNOWLEDGED) tasks_forget(&tasks, tasks.done.first);
    }
}

void drain_signals(void) {
    struct signalfd_siginfo info[16];
    while (read(signal_fd, info, sizeof info) > 0) {}
}

// SIGKILLs stopping tasks whose grace period is over; returns the epoll timeout until the next.
int enforce_deadlines(void) {
    if (!tasks.stopping.first) return -1;
    double now = now_seconds(), next = -1;
    for (struct task *t = tasks.stopping.first, *following; t; t = following) {
        following = t->next;
        if (t->kill_at <= now) {
            kill(-t->pid, SIGKILL);
            kill(t->pid, SIGKILL);
            t->killed = 1;
            tasks_stop_list_remove(&tasks, t);
        } else if (next < 0 || t->kill_at < next) {
            next = t->kill_at;
        }
    }
    if (next < 0) return -1;
    return (int)((next - now) * 1000.0) + 1;
}

// Exits unless a server is connecting right now. The socket is unlinked first, so later
// servers start a new executor (which waits for our lock); one that connected before that
// is served, and the socket is bound again for it.
void exit_unless_someone_came(void) {
    unlink(SUNDIAL_EXECUTOR_SOCKET);
    int came = 0;
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) break;
        came |= add_connection(fd) == 0;
    }
    if (!came) exit(0);
    epoll_ctl(epfd, EPOLL_CTL_DEL, listen_fd, NULL);
    close(listen_fd);
    if (listen_on_socket() != 0) {
        perror("sundial-executor: listen again");
        exit(1);
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TOKEN_LISTEN};
    epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev);
}

// Exits when no server can need us: nothing runs, and either our socket is gone (the data
// directory was removed) or, for IDLE_EXIT_SECONDS, no server was connected and no exit
// awaited an acknowledgement. A server that comes later starts a new executor.
#define IDLE_EXIT_SECONDS 10.0
void exit_if_unneeded(void) {
    static double idle_since = 0;
    int connected = 0;
    for (int i = 0; i < MAX_CONNECTIONS; i++) connected |= connections[i].fd >= 0;
    if (connected || tasks.running > 0 || tasks.pending > 0) {
        idle_since = 0;
        return;
    }
    struct stat st;
    if (stat(SUNDIAL_EXECUTOR_SOCKET, &st) != 0 || st.st_ino != socket_inode) {
        log_message("socket removed and no task running: exiting");
        exit(0);
    }
    if (tasks.done.count > 0) {
        idle_since = 0;
        return;
    }
    double now = now_seconds();
    if (idle_since == 0) idle_since = now;
    if (now - idle_since >= IDLE_EXIT_SECONDS) {
        idle_since = 0;
        exit_unless_someone_came();
    }
}

int listen_on_socket(void) {
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd < 0) return -1;
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    // Relative to the data directory (our cwd): its path may exceed sun_path's 108 bytes.
    strcpy(addr.sun_path, SUNDIAL_EXECUTOR_SOCKET);
    unlink(SUNDIAL_EXECUTOR_SOCKET);  // a stale one: we hold the lock, so nobody serves it
    mode_t old = umask(0077);         // only the server's user may launch processes through us
    int rc = bind(listen_fd, (struct sockaddr *)&addr, sizeof addr);
    umask(old);
    if (rc != 0 || listen(listen_fd, SOMAXCONN) != 0) return -1;
    struct stat st;
    if (stat(SUNDIAL_EXECUTOR_SOCKET, &st) == 0) socket_inode = st.st_ino;
    return 0;
}

