#define _GNU_SOURCE
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int parent_of(const char *path, char *out) {
    size_t n = strlen(path);
    if (n >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(out, path, n + 1);
    char *slash = strrchr(out, '/');
    if (!slash || slash == out) return -1;
    *slash = 0;
    return 0;
}

int make_directories(const char *path) {
    if (mkdir(path, 0755) == 0 || errno == EEXIST) return 0;
    if (errno != ENOENT) return -1;
    char parent[PATH_MAX];
    if (parent_of(path, parent) != 0 || make_directories(parent) != 0) return -1;
    return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int create_empty_file(const char *directory, const char *name) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", directory, name) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}
