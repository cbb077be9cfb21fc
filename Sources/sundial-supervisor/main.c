// sundial-supervisor: waits for one task so that the task outlives the server.
//
// Usage (spawned by SundialExecutor.LocalExecutor, never by hand):
//   sundial-supervisor --sandbox DIR [--grace SECONDS]
//                      [--uid N --gid N [--groups G1,G2,...]]
//                      (--shell COMMAND | --exec ARGV0 [ARG...])
//
// Contract with the server:
// - The server spawns us in a new session, with cwd = sandbox, fd 0 = /dev/null,
//   fd 1/2 = <sandbox>/stdout and <sandbox>/stderr (append), all signal dispositions
//   at default and SIGTERM + SIGCHLD blocked (so a stop that arrives before we are
//   ready stays pending instead of killing us). Our environment IS the task's
//   environment; we add nothing to it.
// - We write "<pid> <starttime>\n" to <sandbox>/.sundial/supervisor (tmp + rename),
//   become a child subreaper and fork the task in its own process group.
// - SIGTERM: forwarded to the task's group; SIGKILL to the group after the grace period.
//   SIGINT and SIGHUP are ignored.
// - When the task's main process exits, everything left below us is SIGKILLed and
//   reaped, then "<exited|signaled> <n> stop=<0|1>\n" goes to <sandbox>/.sundial/status
//   (tmp + fsync + rename) and we exit 0.
// - If the task cannot be started (exec fails, privileges cannot be dropped) a message
//   goes to the stderr file and the status says "exited 127" (126: found but not
//   executable), as a shell would.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#endif

extern char **environ;

static const char *sandbox = NULL;

static void say(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof buf) n = (int)sizeof buf - 1;
    // One write(2): no stdio buffering, atomic for O_APPEND.
    ssize_t ignored = write(2, buf, (size_t)n);
    (void)ignored;
}

static int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

// Writes <sandbox>/.sundial/<name> atomically: <name>.tmp, optional fsync, rename.
static int write_atomic(const char *name, const char *content, int do_fsync) {
    char tmp[PATH_MAX], dst[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s/.sundial/%s.tmp", sandbox, name) >= (int)sizeof tmp ||
        snprintf(dst, sizeof dst, "%s/.sundial/%s", sandbox, name) >= (int)sizeof dst) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    if (write_all(fd, content, strlen(content)) != 0 || (do_fsync && fsync(fd) != 0)) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
        return -1;
    }
    if (close(fd) != 0) return -1;
    return rename(tmp, dst);
}

// Field 22 of /proc/self/stat: start time in clock ticks since boot.
static unsigned long long self_start_time(void) {
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')');  // comm may contain spaces and parentheses
    if (!p) return 0;
    p++;
    for (int field = 3; field <= 22; field++) {  // fields after ')' start at 3
        while (*p == ' ') p++;
        if (field == 22) return strtoull(p, NULL, 10);
        while (*p && *p != ' ') p++;
    }
    return 0;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// SIGKILL every direct child (orphans of the task are reparented to us: we are a subreaper).
static void kill_direct_children(void) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        ssize_t n;
        char num[16];
        size_t len = 0;
        while ((n = read(fd, buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < n; i++) {
                if (buf[i] >= '0' && buf[i] <= '9') {
                    if (len < sizeof num - 1) num[len++] = buf[i];
                } else if (len > 0) {
                    num[len] = 0;
                    kill((pid_t)atoi(num), SIGKILL);
                    len = 0;
                }
            }
        }
        if (len > 0) {
            num[len] = 0;
            kill((pid_t)atoi(num), SIGKILL);
        }
        close(fd);
        return;
    }
    // Kernel without CONFIG_PROC_CHILDREN: scan /proc for our children.
    DIR *d = opendir("/proc");
    if (!d) return;
    pid_t self = getpid();
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        char statpath[300], buf[512];
        snprintf(statpath, sizeof statpath, "/proc/%s/stat", e->d_name);
        int sfd = open(statpath, O_RDONLY | O_CLOEXEC);
        if (sfd < 0) continue;
        ssize_t n = read(sfd, buf, sizeof buf - 1);
        close(sfd);
        if (n <= 0) continue;
        buf[n] = 0;
        char *p = strrchr(buf, ')');
        if (!p || strlen(p) < 4) continue;
        // ") S ppid"
        if ((pid_t)atoi(p + 4) == self) kill((pid_t)atoi(e->d_name), SIGKILL);
    }
    closedir(d);
}

// Writes the status file (tmp + fsync + rename) and returns the supervisor's exit code.
static int finish(int main_status, int stop_requested) {
    char status[64];
    if (WIFSIGNALED(main_status))
        snprintf(status, sizeof status, "signaled %d stop=%d\n", WTERMSIG(main_status), stop_requested);
    else
        snprintf(status, sizeof status, "exited %d stop=%d\n", WEXITSTATUS(main_status), stop_requested);
    if (write_atomic("status", status, 1) != 0) {
        say("sundial-supervisor: cannot write %s/.sundial/status: %s\n", sandbox, strerror(errno));
        return 1;
    }
    return 0;
}

static int parse_groups(const char *s, gid_t *out, int max) {
    int n = 0;
    while (s && *s) {
        if (n == max) return -1;
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s) return -1;
        out[n++] = (gid_t)v;
        s = (*end == ',') ? end + 1 : end;
        if (*end != ',' && *end != 0) return -1;
    }
    return n;
}

int main(int argc, char **argv) {
    double grace = 3.0;
    int have_user = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    const char *groups_arg = NULL;
    char *shell_cmd = NULL;
    char **exec_argv = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_value = i + 1 < argc;
        if (!strcmp(a, "--sandbox") && has_value) sandbox = argv[++i];
        else if (!strcmp(a, "--grace") && has_value) grace = strtod(argv[++i], NULL);
        else if (!strcmp(a, "--uid") && has_value) { uid = (uid_t)strtoul(argv[++i], NULL, 10); have_user = 1; }
        else if (!strcmp(a, "--gid") && has_value) gid = (gid_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--groups") && has_value) groups_arg = argv[++i];
        else if (!strcmp(a, "--shell") && has_value) shell_cmd = argv[++i];
        else if (!strcmp(a, "--exec") && has_value) { exec_argv = &argv[i + 1]; break; }
        else {
            say("sundial-supervisor: bad argument '%s'\n", a);
            return 2;
        }
    }
    if (!sandbox || (!shell_cmd == !exec_argv)) {
        say("sundial-supervisor: need --sandbox and exactly one of --shell/--exec\n");
        return 2;
    }
    if (!(grace >= 0)) grace = 0;  // also catches NaN

    // The server opens fds 0-2 for us and asks glibc to close the rest; make sure anyway.
    if (close_range(3, ~0U, 0) != 0) {
        for (int fd = 3; fd < 1024; fd++) close(fd);
    }

    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigset_t waitset;
    sigemptyset(&waitset);
    sigaddset(&waitset, SIGTERM);
    sigaddset(&waitset, SIGCHLD);
    sigprocmask(SIG_BLOCK, &waitset, NULL);

    char line[64];
    snprintf(line, sizeof line, "%d %llu\n", (int)getpid(), self_start_time());
    if (write_atomic("supervisor", line, 0) != 0)
        say("sundial-supervisor: cannot write %s/.sundial/supervisor: %s\n", sandbox, strerror(errno));

    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    gid_t groups[256];
    int ngroups = 0;
    if (have_user && groups_arg) {
        ngroups = parse_groups(groups_arg, groups, 256);
        if (ngroups < 0) {
            say("sundial-supervisor: bad --groups '%s'\n", groups_arg);
            ngroups = 0;
        }
    }

    pid_t child = fork();
    if (child < 0) {
        say("sundial-supervisor: fork: %s\n", strerror(errno));
        return finish(127 << 8, 0);  // as if the task had exited 127
    }
    if (child == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        if (have_user) {
            // Let the task reopen its own log files.
            if (fchown(1, uid, gid) != 0 || fchown(2, uid, gid) != 0) { /* best effort */ }
            if (setgroups((size_t)ngroups, groups) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
                say("sundial-supervisor: cannot switch to uid %u gid %u: %s\n", (unsigned)uid, (unsigned)gid,
                    strerror(errno));
                _exit(127);
            }
        }
        sigset_t empty;
        sigemptyset(&empty);
        sigprocmask(SIG_SETMASK, &empty, NULL);  // a stop that is already pending kills us here
        const char *what;
        if (shell_cmd) {
            char sh[] = "/bin/sh", dash_c[] = "-c";
            char *sh_argv[] = {sh, dash_c, shell_cmd, NULL};
            what = sh;
            execve(sh, sh_argv, environ);
        } else {
            what = exec_argv[0];
            execvpe(exec_argv[0], exec_argv, environ);  // PATH from our environment = the task's
        }
        int e = errno;
        say("sundial-supervisor: cannot execute '%s': %s\n", what, strerror(e));
        _exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
    }
    setpgid(child, child);  // also from this side, so a stop right now finds the group

    int stop_requested = 0;
    int main_status = 0;
    int main_done = 0;
    int killed = 0;
    double deadline = 0;
    while (!main_done) {
        siginfo_t info;
        int sig;
        if (stop_requested && !killed) {
            double remaining = deadline - now_seconds();
            if (remaining <= 0) {
                kill(-child, SIGKILL);
                kill(child, SIGKILL);
                killed = 1;
                continue;
            }
            struct timespec ts;
            ts.tv_sec = (time_t)remaining;
            ts.tv_nsec = (long)((remaining - (double)ts.tv_sec) * 1e9);
            sig = sigtimedwait(&waitset, &info, &ts);
        } else {
            sig = sigwaitinfo(&waitset, &info);
        }
        if (sig < 0) continue;  // EAGAIN (deadline: handled at the top) or EINTR
        if (sig == SIGTERM && !stop_requested) {
            stop_requested = 1;
            deadline = now_seconds() + grace;
            kill(-child, SIGTERM);
            kill(child, SIGTERM);
        } else if (sig == SIGCHLD) {
            int st;
            pid_t p;
            while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
                if (p == child) {
                    main_status = st;
                    main_done = 1;
                }
            }
        }
    }

    // The task is over when its main process is: kill and reap everything left below us.
    kill(-child, SIGKILL);
    for (;;) {
        int st;
        pid_t p = waitpid(-1, &st, WNOHANG);
        if (p > 0) continue;
        if (p < 0) {
            if (errno == EINTR) continue;
            break;  // ECHILD: nothing left
        }
        kill(-child, SIGKILL);
        kill_direct_children();
        p = waitpid(-1, &st, 0);
        if (p < 0 && errno == ECHILD) break;
    }

    return finish(main_status, stop_requested);
}
