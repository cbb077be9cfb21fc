// sundial-executor: one long-lived process per data directory that starts, watches and stops
// every task of the server, so that tasks outlive a crash of the server and a launch costs
// one process start (the task itself) instead of two (a supervisor, then the task).
//
// Usage (spawned by the server, never by hand): sundial-executor DATA_DIR
//
// - Serves the protocol of protocol.h on DATA_DIR/executor-v1.sock; one executor per data
//   directory (flock on DATA_DIR/executor.lock, which holds our pid). A second one exits 0
//   once the lock has stayed held for 2 s.
// - Runs in a session of its own (the server spawns it with setsid), ignores SIGINT, SIGHUP,
//   SIGTERM and SIGPIPE, and is a child subreaper: whatever a task leaves behind is reparented
//   here and reaped, so no zombies accumulate.
// - The process the server spawns forks the executor off and stays behind as its guardian
//   (guardian.h): if the executor dies, the process groups of its tasks are killed.
// - When a task's main process exits, the rest of its process group is SIGKILLed, and the exit
//   status is sent to every connected server and kept until a server acknowledges it.
// - Exits when a server asks it to while it is idle ('X'), after 10 s without any server,
//   task or unacknowledged exit, or when its socket has been removed (the data directory was
//   deleted) and no task runs.
#define _GNU_SOURCE
#include "executor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
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

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

struct task_table tasks;
struct connection connections[MAX_CONNECTIONS];
int epfd = -1, listen_fd = -1, signal_fd = -1, started_fd = -1;
unsigned generations[MAX_CONNECTIONS];
ino_t socket_inode;
// The executor itself runs 10 nice steps higher when it may (root): it is the one serial
// stage every launch passes through, and under load it would otherwise queue behind the very
// tasks it starts.
int task_nice;

// Takes the executor's lock, waiting up to 2 s for it: the executor before us may be exiting
// right now, and when it is killed the kernel releases its lock only after closing its
// sockets, so the server that saw its connection end can start us a moment too early. A lock
// held longer belongs to an executor that serves this directory. Returns -1 then.
static int take_lock(int lock) {
    for (int tries = 0; tries < 400; tries++) {
        if (flock(lock, LOCK_EX | LOCK_NB) == 0) return 0;
        if (errno != EWOULDBLOCK && errno != EINTR) return -1;
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return -1;
}

// One spawner thread per core we may run on (spawners.h), at most 8.
static int spawner_count(void) {
    cpu_set_t cpus;
    int count = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
    return count < 1 ? 1 : count > 8 ? 8 : count;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: sundial-executor DATA_DIR (started by sundial server)\n");
        return 2;
    }
    for (int fd = 0; fd < 3; fd++)
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0) return 1;
    if (chdir(argv[1]) != 0) {
        perror("sundial-executor: chdir");
        return 1;
    }
    int lock = open(SUNDIAL_EXECUTOR_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) {
        perror("sundial-executor: lock file");
        return 1;
    }
    if (take_lock(lock) != 0) return 0;  // another executor serves this directory

    // Inherited by the guardian too.
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    // From here on we are the executor; the process the server spawned is our guardian.
    if (guardian_start(lock) != 0) {
        perror("sundial-executor: guardian");
        return 1;
    }
    char pid_text[32];
    int pid_length = snprintf(pid_text, sizeof pid_text, "%d\n", (int)getpid());
    if (ftruncate(lock, 0) != 0 || pwrite(lock, pid_text, (size_t)pid_length, 0) != pid_length) {
        // informational only
    }

    errno = 0;
    task_nice = getpriority(PRIO_PROCESS, 0);
    if (errno != 0) task_nice = 0;
    if (setpriority(PRIO_PROCESS, 0, task_nice - 10) != 0) { /* not root: same priority as the tasks */ }

    signal_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    for (int i = 0; i < MAX_CONNECTIONS; i++) connections[i].fd = -1;
    epfd = epoll_create1(EPOLL_CLOEXEC);
    started_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    // The preparer and spawner threads start with SIGCHLD blocked, like us (signals go to the
    // signalfd), and at our priority.
    // The server keeps every sandbox under DATA_DIR/sandboxes, as the paths it sends: the
    // pool of ready-made ones must be on the same filesystem.
    static char sandboxes[PATH_MAX];
    char cwd[PATH_MAX];
    size_t data_length = strlen(argv[1]);
    while (data_length > 1 && argv[1][data_length - 1] == '/') data_length--;
    if (argv[1][0] == '/') snprintf(sandboxes, sizeof sandboxes, "%.*s/sandboxes", (int)data_length, argv[1]);
    else if (getcwd(cwd, sizeof cwd)) snprintf(sandboxes, sizeof sandboxes, "%s/sandboxes", cwd);
    if (signal_fd < 0 || epfd < 0 || started_fd < 0 || tasks_init(&tasks) != 0 || preparer_start(sandboxes) != 0 ||
        spawners_start(spawner_count(), started_fd) != 0 || listen_on_socket() != 0) {
        perror("sundial-executor: start");
        return 1;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TOKEN_LISTEN};
    epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev);
    ev.data.u64 = TOKEN_SIGNAL;
    epoll_ctl(epfd, EPOLL_CTL_ADD, signal_fd, &ev);
    ev.data.u64 = TOKEN_STARTED;
    epoll_ctl(epfd, EPOLL_CTL_ADD, started_fd, &ev);

    struct epoll_event events[64];
    double flushed_at = 0;
    int holding_replies = 0;
    for (;;) {
        int timeout = enforce_deadlines();
        if (timeout < 0 || timeout > 5000) timeout = 5000;
        if (holding_replies && timeout > 2) timeout = 2;
        int n = epoll_wait(epfd, events, 64, timeout);
        if (n < 0 && errno != EINTR) {
            perror("sundial-executor: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            uint64_t token = events[i].data.u64;
            if (token == TOKEN_LISTEN) {
                accept_connections();
            } else if (token == TOKEN_STARTED) {
                uint64_t count;
                ssize_t ignored = read(started_fd, &count, sizeof count);
                (void)ignored;
                finish_started_launches();
            } else if (token == TOKEN_SIGNAL) {
                drain_signals();
                reap();
            } else if (token < MAX_CONNECTIONS && connections[token].fd >= 0) {
                if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_connection((int)token);
                // EPOLLOUT: flushed below with everything else.
            }
        }
        // Exits that happened while launching are collected before answering, so one write
        // carries both.
        reap();
        // While launches are in flight, replies leave every 2 ms rather than as each task
        // starts: the server records a task as running when its reply arrives, so the first
        // launches of a burst must not wait for the last, but one write per launch costs a
        // burst more (wake-ups in the server) than it gains.
        double now = now_seconds();
        holding_replies = tasks.pending > 0 && now - flushed_at < 0.002;
        if (!holding_replies) {
            flush_all();
            flushed_at = now;
        }
        exit_if_unneeded();
    }
}
