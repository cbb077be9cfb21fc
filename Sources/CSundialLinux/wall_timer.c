#include "CSundialLinux.h"

#include <errno.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <unistd.h>

int sundial_wall_timer_create(void) {
    return timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
}

int sundial_wall_timer_arm(int fd, int64_t epoch_ms) {
    struct itimerspec spec = {0};
    if (epoch_ms >= 0) {
        spec.it_value.tv_sec = epoch_ms / 1000;
        spec.it_value.tv_nsec = (epoch_ms % 1000) * 1000000L;
        // A zero it_value disarms; the epoch itself is never a real deadline.
        if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
    }
    return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL);
}

int sundial_wall_timer_wait(int fd) {
    uint64_t expirations;
    for (;;) {
        ssize_t n = read(fd, &expirations, sizeof expirations);
        if (n == (ssize_t)sizeof expirations) return 1;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == ECANCELED) return 2;
        return -1;
    }
}

void sundial_set_precise_timer_slack(void) {
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
}
