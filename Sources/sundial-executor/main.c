// sundial-executor: one long-lived process per data directory that starts, watches and stops
// every task of the server, so that tasks outlive a crash of the server and a launch costs
// one process start (the task itself) instead of two (a supervisor, then the task).
//
// Usage (spawned by the server, never by hand): sundial-executor DATA_DIR
//
// - Serves the protocol of protocol.h on DATA_DIR/executor-v1.sock; one executor per data
//   directory (flock on DATA_DIR/executor.lock, which holds our pid). A second one exits 0.
// - Runs in a session of its own (the server spawns it with setsid), ignores SIGINT, SIGHUP,
//   SIGTERM and SIGPIPE, and is a child subreaper: whatever a task leaves behind is reparented
//   here and reaped, so no zombies accumulate.
// - When a task's main process exits, the rest of its process group is SIGKILLed, and the exit
//   status is sent to every connected server and kept until a server acknowledges it.
// - Exits when a server asks it to while it is idle ('X'), after 10 s without any server,
//   task or unacknowledged exit, or when its socket has been removed (the data directory was
//   deleted) and no task runs.
#define _GNU_SOURCE
#include "connections.h"
#include "prepare.h"
#include "protocol.h"
#include "spawn.h"
#include "tasks.h"

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

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

// Exits nobody acknowledged (a server that never came back): the oldest are dropped beyond this.
#define MAX_UNACKNOWLEDGED 262144
#define TOKEN_LISTEN ((uint64_t)-1)
#define TOKEN_SIGNAL ((uint64_t)-2)
#define TOKEN_READY ((uint64_t)-3)

static struct task_table tasks;
static struct connection connections[MAX_CONNECTIONS];
static int epfd = -1, listen_fd = -1, signal_fd = -1, ready_fd = -1;
// Bumped when a connection slot is closed, so a reply for a launch prepared meanwhile does not
// go to a newer connection in the same slot.
static unsigned generations[MAX_CONNECTIONS];
static ino_t socket_inode;
// The nice value the server started us with: every task gets it. The executor itself runs 10
// steps higher when it may (root): it is the one serial stage every launch passes through,
// and under load it would otherwise queue behind the very tasks it starts.
static int task_nice;

static int listen_on_socket(void);
static int add_connection(int fd);
static void exit_unless_someone_came(void);

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void log_message(const char *what) {
    char line[512];
    int n = snprintf(line, sizeof line, "sundial-executor[%d]: %s\n", (int)getpid(), what);
    if (n > 0) {
        ssize_t ignored = write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
        (void)ignored;
    }
}

// MARK: - Output

static void write_exit_fields(struct frame_writer *w, const struct task *t) {
    int st = t->wait_status;
    frame_field(w, WIFSIGNALED(st) ? "signaled" : "exited");
    frame_field_int(w, WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    frame_field(w, t->stop_requested ? "1" : "0");
}

static void reply_launched(struct connection *c, const char *id, pid_t pid) {
    struct frame_writer w;
    frame_begin(&w, &c->out, 'l');
    frame_field(&w, id);
    frame_field_int(&w, pid);
    frame_end(&w);
}

static void reply_failed(struct connection *c, const char *id, const char *message) {
    struct frame_writer w;
    frame_begin(&w, &c->out, 'f');
    frame_field(&w, id);
    frame_field(&w, message);
    frame_end(&w);
}

static void reply_state(int index, const char *id) {
    struct connection *c = &connections[index];
    struct task *t = tasks_find(&tasks, id);
    if (t && t->state == TASK_PENDING) {
        // Answered with its pid once it has one (start_launch).
        t->asked_by = index;
        t->asked_generation = generations[index];
        return;
    }
    struct frame_writer w;
    frame_begin(&w, &c->out, 'q');
    frame_field(&w, id);
    if (!t) {
        frame_field(&w, "unknown");
    } else if (t->state == TASK_RUNNING) {
        frame_field(&w, "running");
        frame_field_int(&w, t->pid);
    } else {
        frame_field(&w, "exited");
        write_exit_fields(&w, t);
    }
    frame_end(&w);
}

static void broadcast_exit(const struct task *t) {
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        if (connections[i].fd < 0) continue;
        struct frame_writer w;
        frame_begin(&w, &connections[i].out, 'e');
        frame_field(&w, t->id);
        write_exit_fields(&w, t);
        frame_end(&w);
    }
}

static void close_connection(int index) {
    struct connection *c = &connections[index];
    if (c->fd < 0) return;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    connection_close(c);
    generations[index]++;
}

// Writes what each connection has pending; polls for writability where the socket is full.
static void flush_all(void) {
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
        struct connection *c = &connections[i];
        if (c->fd < 0 || c->out.length == c->out.offset) continue;
        int rc = connection_flush(c);
        if (rc < 0) {
            close_connection(i);
            continue;
        }
        int want = rc == 1;
        if (want != c->polling_output) {
            struct epoll_event ev = {.events = EPOLLIN | (want ? EPOLLOUT : 0), .data.u64 = (uint64_t)i};
            epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
            c->polling_output = want;
        }
    }
}

// MARK: - Requests

static int parse_ulong(const char *s, unsigned long *out) {
    if (!*s) return -1;
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno) return -1;
    *out = v;
    return 0;
}

static int parse_groups(const char *s, gid_t *out, int max) {
    int n = 0;
    while (*s) {
        if (n == max) return -1;
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || (*end != ',' && *end)) return -1;
        out[n++] = (gid_t)v;
        s = *end ? end + 1 : end;
    }
    return n;
}

// Checks a launch request, records the task as pending and hands it to the preparer; the
// reply comes when it has started (start_launch).
static void handle_launch(int index, const uint8_t *frame, size_t length, const char **f, int n) {
    struct connection *c = &connections[index];
    // id sandbox grace_ms uid gid groups mode argc argv... envc env...
    if (n < 9) {
        reply_failed(c, n > 0 ? f[0] : "", "malformed launch request");
        return;
    }
    const char *id = f[0];
    unsigned long grace_ms, argc, envc, uid = 0, gid = 0;
    int have_user = f[3][0] != 0;
    if (!*id || f[1][0] != '/' || parse_ulong(f[2], &grace_ms) != 0 || parse_ulong(f[7], &argc) != 0 || argc < 1 ||
        argc > (unsigned long)n || 8 + argc >= (unsigned long)n || parse_ulong(f[8 + argc], &envc) != 0 ||
        9 + argc + envc != (unsigned long)n || (have_user && (parse_ulong(f[3], &uid) != 0 || parse_ulong(f[4], &gid) != 0))) {
        reply_failed(c, id, "malformed launch request");
        return;
    }
    if (strcmp(f[6], "sh") != 0 && strcmp(f[6], "exec") != 0) {
        reply_failed(c, id, "unknown launch mode");
        return;
    }
    gid_t groups[256];
    if (have_user && parse_groups(f[5], groups, 256) < 0) {
        reply_failed(c, id, "malformed supplementary groups");
        return;
    }
    if (tasks_find(&tasks, id)) {
        reply_failed(c, id, "a task with this id was already launched");
        return;
    }
    struct task *t = calloc(1, sizeof *t);
    struct launch *l = calloc(1, sizeof *l);
    char *blob = malloc(length);
    const char **fields = malloc((size_t)n * sizeof *fields);
    if (t) {
        t->id = strdup(id);
        t->sandbox = strdup(f[1]);
    }
    if (!t || !t->id || !t->sandbox || !l || !blob || !fields) {
        if (t) free(t->id), free(t->sandbox);
        free(t), free(l), free(blob), free(fields);
        reply_failed(c, id, "out of memory");
        return;
    }
    t->grace = (double)grace_ms / 1000.0;
    t->asked_by = -1;
    tasks_add_pending(&tasks, t);
    memcpy(blob, frame, length);
    frame_fields((const uint8_t *)blob, length, fields, n);
    *l = (struct launch){
        .task = t, .connection = index, .generation = generations[index], .blob = blob, .fields = fields, .nfields = n,
        .sandbox = t->sandbox, .have_user = have_user, .uid = (uid_t)uid, .gid = (gid_t)gid,
    };
    preparer_submit(l);
}

static void begin_stop(struct task *t) {
    kill(-t->pid, SIGTERM);
    kill(t->pid, SIGTERM);  // also when the task moved itself to another group
    if (t->grace <= 0) {
        kill(-t->pid, SIGKILL);
        kill(t->pid, SIGKILL);
        t->killed = 1;
        return;
    }
    t->kill_at = now_seconds() + t->grace;
    tasks_mark_stopping(&tasks, t);
}

// Starts a launch whose sandbox is ready (or reports why it is not).
static void start_launch(struct launch *l) {
    struct task *t = l->task;
    struct connection *c = connections[l->connection].fd >= 0 && generations[l->connection] == l->generation
        ? &connections[l->connection] : NULL;
    const char **f = l->fields;
    unsigned long argc = strtoul(f[7], NULL, 10), envc = strtoul(f[8 + argc], NULL, 10);
    gid_t groups[256];
    int ngroups = l->have_user ? parse_groups(f[5], groups, 256) : 0;
    char **argv = malloc((argc + 1) * sizeof *argv);
    char **envp = malloc((envc + 1) * sizeof *envp);
    char error[1024];
    pid_t pid = -1;
    if (l->failed) {
        snprintf(error, sizeof error, "%s", l->message);
    } else if (!argv || !envp) {
        snprintf(error, sizeof error, "out of memory");
    } else {
        for (unsigned long i = 0; i < argc; i++) argv[i] = (char *)f[8 + i];
        argv[argc] = NULL;
        for (unsigned long i = 0; i < envc; i++) envp[i] = (char *)f[9 + argc + i];
        envp[envc] = NULL;
        struct spawn_request request = {
            .sandbox = t->sandbox, .have_user = l->have_user, .uid = l->uid, .gid = l->gid, .groups = groups,
            .ngroups = ngroups, .shell = strcmp(f[6], "sh") == 0, .argv = argv, .argc = (int)argc, .envp = envp,
            .nice = task_nice,
        };
        pid = spawn_task(&request, error, sizeof error);
    }
    free(argv);
    free(envp);
    int asked = t->asked_by >= 0 && connections[t->asked_by].fd >= 0 && generations[t->asked_by] == t->asked_generation
        ? t->asked_by : -1;
    if (pid < 0) {
        if (c) reply_failed(c, t->id, error);
        char *id = strdup(t->id);
        tasks_drop_pending(&tasks, t);
        if (asked >= 0 && id) reply_state(asked, id);  // now unknown
        free(id);
    } else {
        tasks_mark_running(&tasks, t, pid);
        if (c) reply_launched(c, t->id, pid);
        if (asked >= 0) reply_state(asked, t->id);
        if (t->stop_requested) begin_stop(t);  // asked while its sandbox was being made
    }
    free(l->blob);
    free(l->fields);
    free(l);
}

static void start_ready_launches(void) {
    uint64_t count;
    ssize_t ignored = read(ready_fd, &count, sizeof count);
    (void)ignored;
    for (struct launch *l = preparer_take_ready(), *next; l; l = next) {
        next = l->next;
        start_launch(l);
    }
}

static void handle_stop(const char *id) {
    struct task *t = tasks_find(&tasks, id);
    if (!t || t->state == TASK_EXITED || t->stop_requested) return;
    t->stop_requested = 1;
    if (t->state == TASK_RUNNING) begin_stop(t);  // a pending one stops as soon as it starts
}

static void handle_ack(const char *id) {
    struct task *t = tasks_find(&tasks, id);
    if (t && t->state == TASK_EXITED) tasks_forget(&tasks, t);
}

static void handle_exit_request(struct connection *c) {
    int others = 0;
    for (int i = 0; i < MAX_CONNECTIONS; i++) others += connections[i].fd >= 0 && &connections[i] != c;
    int leaving = tasks.running == 0 && tasks.pending == 0 && tasks.done.count == 0 && others == 0;
    struct frame_writer w;
    frame_begin(&w, &c->out, 'x');
    frame_field(&w, leaving ? "bye" : "busy");
    frame_end(&w);
    flush_all();
    if (leaving) exit_unless_someone_came();
}

// Handles every complete frame a connection has sent. Returns -1 on a protocol error.
static int handle_frames(int index) {
    struct connection *c = &connections[index];
    size_t length = 0;
    const uint8_t *frame;
    while ((frame = next_frame(&c->in, &length)) != NULL) {
        if (length == 0) return -1;
        int n = frame_fields(frame, length, NULL, 0);
        if (n < 0) return -1;
        const char **f = malloc(((size_t)n + 1) * sizeof *f);
        if (!f) return -1;
        frame_fields(frame, length, f, n);
        switch (frame[0]) {
        case 'L': handle_launch(index, frame, length, f, n); break;
        case 'S': if (n >= 1) handle_stop(f[0]); break;
        case 'Q': if (n >= 1) reply_state(index, f[0]); break;
        case 'A': if (n >= 1) handle_ack(f[0]); break;
        case 'X': handle_exit_request(c); break;
        default: break;  // unknown requests are ignored, for newer servers
        }
        free(f);
    }
    return length == (size_t)-1 ? -1 : 0;
}

static void read_connection(int index) {
    if (connection_read(&connections[index]) != 0) {
        // Handle what arrived before the end: a server killed right after sending still gets
        // its launches performed (and then adopted by its successor).
        handle_frames(index);
        close_connection(index);
        return;
    }
    if (handle_frames(index) != 0) close_connection(index);
}

static void accept_connections(void) {
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return;
        }
        // Whatever earlier connections (a server that just died) still had in flight goes
        // first, so a new server's questions see every launch its predecessor sent.
        for (int i = 0; i < MAX_CONNECTIONS; i++)
            if (connections[i].fd >= 0) read_connection(i);
        add_connection(fd);
    }
}

// Takes a newly accepted connection into a free slot. Returns -1 (and closes it) when none is free.
static int add_connection(int fd) {
    int slot = -1;
    for (int i = 0; i < MAX_CONNECTIONS && slot < 0; i++)
        if (connections[i].fd < 0) slot = i;
    if (slot < 0) {
        close(fd);
        return -1;
    }
    connections[slot].fd = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)slot};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        connection_close(&connections[slot]);
        return -1;
    }
    return 0;
}

// MARK: - Exits and deadlines

static void reap(void) {
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
        if (t) kill(-pid, SIGKILL);  // the task is over when its main process is
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

static void drain_signals(void) {
    struct signalfd_siginfo info[16];
    while (read(signal_fd, info, sizeof info) > 0) {}
}

// SIGKILLs stopping tasks whose grace period is over; returns the epoll timeout until the next.
static int enforce_deadlines(void) {
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
static void exit_unless_someone_came(void) {
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
static void exit_if_unneeded(void) {
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

// MARK: - Start

static int listen_on_socket(void) {
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
    if (flock(lock, LOCK_EX | LOCK_NB) != 0) return 0;  // another executor serves this directory
    char pid_text[32];
    int pid_length = snprintf(pid_text, sizeof pid_text, "%d\n", (int)getpid());
    if (ftruncate(lock, 0) != 0 || pwrite(lock, pid_text, (size_t)pid_length, 0) != pid_length) {
        // informational only
    }

    errno = 0;
    task_nice = getpriority(PRIO_PROCESS, 0);
    if (errno != 0) task_nice = 0;
    if (setpriority(PRIO_PROCESS, 0, task_nice - 10) != 0) { /* not root: same priority as the tasks */ }

    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    signal_fd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    for (int i = 0; i < MAX_CONNECTIONS; i++) connections[i].fd = -1;
    epfd = epoll_create1(EPOLL_CLOEXEC);
    ready_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    // The preparer thread starts with SIGCHLD blocked, like us (signals go to the signalfd).
    if (signal_fd < 0 || epfd < 0 || ready_fd < 0 || tasks_init(&tasks) != 0 || preparer_start(ready_fd) != 0 ||
        listen_on_socket() != 0) {
        perror("sundial-executor: start");
        return 1;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TOKEN_LISTEN};
    epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &ev);
    ev.data.u64 = TOKEN_SIGNAL;
    epoll_ctl(epfd, EPOLL_CTL_ADD, signal_fd, &ev);
    ev.data.u64 = TOKEN_READY;
    epoll_ctl(epfd, EPOLL_CTL_ADD, ready_fd, &ev);

    struct epoll_event events[64];
    for (;;) {
        int timeout = enforce_deadlines();
        if (timeout < 0 || timeout > 5000) timeout = 5000;
        int n = epoll_wait(epfd, events, 64, timeout);
        if (n < 0 && errno != EINTR) {
            perror("sundial-executor: epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            uint64_t token = events[i].data.u64;
            if (token == TOKEN_LISTEN) {
                accept_connections();
            } else if (token == TOKEN_READY) {
                start_ready_launches();
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
        flush_all();
        exit_if_unneeded();
    }
}
