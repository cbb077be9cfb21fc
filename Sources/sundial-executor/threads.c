#include "threads.h"

void cond_init_monotonic(pthread_cond_t *cond) {
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &monotonic);
    pthread_condattr_destroy(&monotonic);
}

struct timespec timespec_after(struct timespec from, long ns) {
    from.tv_nsec += ns;
    from.tv_sec += from.tv_nsec / 1000000000L;
    from.tv_nsec %= 1000000000L;
    return from;
}

int start_detached_threads(int count, void *(*run)(void *)) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        pthread_t thread;
        rc = pthread_create(&thread, &attr, run, NULL);
    }
    pthread_attr_destroy(&attr);
    return rc == 0 ? 0 : -1;
}
