#define _GNU_SOURCE
#include "CSundialLinux.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

void sundial_lower_thread_priority(void) {
    // On Linux, nice is per thread when addressed by thread id.
    setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
    struct sched_param none = {0};
    sched_setscheduler(0, SCHED_IDLE, &none);
}
