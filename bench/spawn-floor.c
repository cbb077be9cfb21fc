// The machine's floor for the scheduling benchmarks: how fast this machine starts the same
// processes with nothing else around them: no scheduler, no store, no sandbox, no output
// files. One thread, posix_spawn (the parent waits until the child has exec'd, as the
// executor's vfork does), reaping as it goes.
//
//   spawn-floor burst N [FORM]      N processes at once: when the last one started and when all exited
//   spawn-floor rounds N K [FORM]   N at once, once a second for K seconds: each start's delay
//
// FORM is what each process is: `sh` (the default) `/bin/sh -c true`, as a job's `cmd`
// runs; `exec` `true` found on PATH and executed without a shell, as a job's `args` runs and
// as APScheduler's `subprocess.run(["true"])` does.
//
// Prints JSON, times in milliseconds after the round began.
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int reap_some(int block) {
    int reaped = 0, status;
    while (waitpid(-1, &status, block && !reaped ? 0 : WNOHANG) > 0) reaped++;
    return reaped;
}

// Starts n processes; started[i] is when the i-th spawn returned. Returns when all exited.
static int without_shell;

static double spawn_all(int n, double *started) {
    char *shell_argv[] = {"/bin/sh", "-c", "true", NULL};
    char *plain_argv[] = {"true", NULL};
    double begin = now_ms();
    int exited = 0;
    for (int i = 0; i < n; i++) {
        pid_t pid;
        int rc = without_shell ? posix_spawnp(&pid, "true", NULL, NULL, plain_argv, environ)
                               : posix_spawn(&pid, "/bin/sh", NULL, NULL, shell_argv, environ);
        if (rc != 0) {
            fprintf(stderr, "posix_spawn: %s\n", strerror(rc));
            exit(1);
        }
        started[i] = now_ms() - begin;
        exited += reap_some(0);
    }
    while (exited < n) exited += reap_some(1);
    return now_ms() - begin;
}

int main(int argc, char **argv) {
    if ((argc == 4 || argc == 5) && strcmp(argv[argc - 1], "exec") == 0) {
        without_shell = 1;
        argc--;
    } else if ((argc == 4 || argc == 5) && strcmp(argv[argc - 1], "sh") == 0) {
        argc--;
    }
    if (argc == 3 && strcmp(argv[1], "burst") == 0) {
        int n = atoi(argv[2]);
        double *started = calloc((size_t)n, sizeof *started);
        double finished = spawn_all(n, started);
        printf("{\"last_started_ms\": %.3f, \"all_exited_ms\": %.3f}\n", started[n - 1], finished);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "rounds") == 0) {
        int n = atoi(argv[2]), rounds = atoi(argv[3]);
        double *started = calloc((size_t)n, sizeof *started);
        printf("{\"started_ms\": [");
        for (int r = 0; r < rounds; r++) {
            double begin = now_ms();
            spawn_all(n, started);
            for (int i = 0; i < n; i++) printf("%s%.3f", r || i ? ", " : "", started[i]);
            double spent = now_ms() - begin;
            if (spent < 1000) usleep((useconds_t)((1000 - spent) * 1000));
        }
        printf("]}\n");
        return 0;
    }
    fprintf(stderr, "usage: spawn-floor burst N [sh|exec] | spawn-floor rounds N SECONDS [sh|exec]\n");
    return 2;
}
