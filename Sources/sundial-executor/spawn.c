#define _GNU_SOURCE
#include "spawn.h"

#include "guardian.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Below: code that runs in the vfork child. Only system calls and stack buffers: no malloc,
// no stdio, and it never returns.

static size_t append(char *buf, size_t at, size_t size, const char *s) {
    while (*s && at + 1 < size) buf[at++] = *s++;
    buf[at] = 0;
    return at;
}

static void say(const char *a, const char *b, const char *c, int err) {
    char buf[1024];
    size_t n = append(buf, 0, sizeof buf, "sundial-executor: ");
    n = append(buf, n, sizeof buf, a);
    n = append(buf, n, sizeof buf, b);
    n = append(buf, n, sizeof buf, c);
    n = append(buf, n, sizeof buf, strerror(err));
    n = append(buf, n, sizeof buf, "\n");
    ssize_t ignored = write(2, buf, n);
    (void)ignored;
}

// Tells the parent, through the request (the vfork child shares its memory), that the task
// could not start for a reason that is the executor's problem rather than the task's.
static _Noreturn void fail_setup(struct spawn_request *r, const char *stage) {
    r->setup_errno = errno;
    r->setup_stage = stage;
    _exit(127);
}

static int open_as(int target, const char *path, int flags) {
    int fd = open(path, flags, 0644);
    if (fd < 0) return -1;
    if (fd != target) {
        if (dup2(fd, target) < 0) return -1;
        close(fd);
    }
    return 0;
}

// execve, and on ENOEXEC (a script without #!) through /bin/sh, as execvp does.
static void exec_file(const char *path, char **argv, int argc, char **envp) {
    execve(path, argv, envp);
    if (errno != ENOEXEC) return;
    char *sh_argv[argc + 2];
    sh_argv[0] = (char *)"/bin/sh";
    sh_argv[1] = (char *)path;
    for (int i = 1; i <= argc; i++) sh_argv[i + 1] = argv[i];  // includes the NULL
    execve("/bin/sh", sh_argv, envp);
    errno = ENOEXEC;
}

// execvpe with the PATH of the task's environment (glibc's execvpe reads our own).
static int exec_search(char **argv, int argc, char **envp) {
    const char *file = argv[0];
    if (strchr(file, '/')) {
        exec_file(file, argv, argc, envp);
        return errno;
    }
    const char *path = "/bin:/usr/bin";  // glibc's default when PATH is unset
    for (char **e = envp; *e; e++)
        if (strncmp(*e, "PATH=", 5) == 0) path = *e + 5;
    int result = ENOENT;
    size_t flen = strlen(file);
    for (const char *p = path;; ) {
        const char *end = strchrnul(p, ':');
        char candidate[PATH_MAX];
        size_t dlen = (size_t)(end - p);
        if (dlen + 1 + flen < sizeof candidate) {
            if (dlen == 0) {
                memcpy(candidate, file, flen + 1);  // an empty entry means the working directory
            } else {
                memcpy(candidate, p, dlen);
                candidate[dlen] = '/';
                memcpy(candidate + dlen + 1, file, flen + 1);
            }
            exec_file(candidate, argv, argc, envp);
            if (errno == EACCES) result = EACCES;  // remembered, but keep looking, as execvp does
            else if (errno != ENOENT && errno != ENOTDIR && errno != ESTALE && errno != ENODEV && errno != ETIMEDOUT)
                return errno;
        }
        if (!*end) break;
        p = end + 1;
    }
    return result;
}

static _Noreturn void child(struct spawn_request *r, pid_t parent) {
    // Before anything can be forked: from now on, if the executor dies, its guardian kills
    // this task's group.
    guardian_mark((pid_t)syscall(SYS_getpid));
    if (setsid() < 0) fail_setup(r, "setsid");
    if (chdir(r->sandbox) != 0) fail_setup(r, "chdir to the sandbox");
    if (open_as(0, "/dev/null", O_RDONLY) != 0) fail_setup(r, "open /dev/null");
    if (open_as(1, "stdout", O_WRONLY | O_CREAT | O_APPEND) != 0) fail_setup(r, "open stdout");
    if (open_as(2, "stderr", O_WRONLY | O_CREAT | O_APPEND) != 0) fail_setup(r, "open stderr");
    syscall(SYS_close_range, 3, ~0U, 0);
    if (r->have_user) {
        // Let the task reopen its own log files.
        if (fchown(1, r->uid, r->gid) != 0 || fchown(2, r->uid, r->gid) != 0) { /* best effort */ }
        // Raw system calls: glibc's wrappers may coordinate threads, which a vfork child must not.
        if (syscall(SYS_setgroups, (size_t)r->ngroups, r->groups) != 0 || syscall(SYS_setgid, r->gid) != 0 ||
            syscall(SYS_setuid, r->uid) != 0) {
            say("cannot switch to the task's user", "", ": ", errno);
            _exit(127);
        }
    }
    // After the user switch, which clears it.
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent) _exit(127);  // the executor is already gone
    // The executor ignores these; exec keeps ignored signals ignored.
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int err;
    const char *what;
    if (r->shell) {
        char *sh_argv[] = {(char *)"/bin/sh", (char *)"-c", r->argv[0], NULL};
        what = "/bin/sh";
        execve("/bin/sh", sh_argv, r->envp);
        err = errno;
    } else {
        what = r->argv[0];
        err = exec_search(r->argv, r->argc, r->envp);
    }
    say("cannot execute '", what, "': ", err);
    _exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

pid_t spawn_task(struct spawn_request *r, char *error, size_t error_size) {
    r->setup_errno = 0;
    r->setup_stage = NULL;
    pid_t parent = getpid();
    pid_t pid = vfork();
    if (pid == 0) child(r, parent);
    if (pid < 0) {
        snprintf(error, error_size, "vfork: %s", strerror(errno));
        return -1;
    }
    // The child ran its setup and its exec at the executor's priority, ahead of the tasks
    // already running (under load, an exec at theirs queued behind them and held this
    // thread up); the task itself gets its own from here, microseconds into its dynamic
    // loader, long before it can fork. (An exited child: ESRCH, nothing to do.)
    setpriority(PRIO_PROCESS, (id_t)pid, r->nice);
    if (r->setup_stage) {
        // The child has exited already (vfork returns after exec or _exit): reap it here, so
        // the exit loop never sees a pid that belongs to no task.
        guardian_unmark(pid);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        snprintf(error, error_size, "cannot start the task in %s: %s: %s", r->sandbox, r->setup_stage, strerror(r->setup_errno));
        return -1;
    }
    return pid;
}
