#define _GNU_SOURCE
#include "connections.h"
#include "protocol.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int reserve(struct buffer *b, size_t extra) {
    if (b->offset > 0 && b->offset == b->length) b->offset = b->length = 0;
    if (b->length + extra <= b->capacity) return 0;
    if (b->offset > 0) {  // slide unread data to the front first
        memmove(b->data, b->data + b->offset, b->length - b->offset);
        b->length -= b->offset;
        b->offset = 0;
        if (b->length + extra <= b->capacity) return 0;
    }
    size_t capacity = b->capacity ? b->capacity : 65536;
    while (capacity < b->length + extra) capacity *= 2;
    uint8_t *data = realloc(b->data, capacity);
    if (!data) return -1;
    b->data = data;
    b->capacity = capacity;
    return 0;
}

static void put(struct frame_writer *w, const void *bytes, size_t n) {
    if (w->failed) return;
    if (reserve(w->out, n) != 0) {
        w->failed = 1;
        return;
    }
    memcpy(w->out->data + w->out->length, bytes, n);
    w->out->length += n;
}

void frame_begin(struct frame_writer *w, struct buffer *out, char type) {
    w->out = out;
    w->failed = 0;
    // Relative to the unread data: `reserve` may slide that data to the front of the buffer
    // while the frame is being written (after a partial send), which would leave an
    // absolute position pointing past the frame and corrupt the stream.
    w->start = out->length - out->offset;
    uint8_t header[5] = {0, 0, 0, 0, (uint8_t)type};
    put(w, header, sizeof header);
}

void frame_field(struct frame_writer *w, const char *field) { put(w, field, strlen(field) + 1); }

void frame_field_int(struct frame_writer *w, long long value) {
    char text[32];
    snprintf(text, sizeof text, "%lld", value);
    frame_field(w, text);
}

void frame_end(struct frame_writer *w) {
    size_t start = w->out->offset + w->start;
    if (w->failed) {
        if (w->out->length >= start) w->out->length = start;
        return;
    }
    uint32_t n = (uint32_t)(w->out->length - start - 4);
    uint8_t *p = w->out->data + start;
    p[0] = (uint8_t)n;
    p[1] = (uint8_t)(n >> 8);
    p[2] = (uint8_t)(n >> 16);
    p[3] = (uint8_t)(n >> 24);
}

int connection_read(struct connection *c) {
    for (;;) {
        if (reserve(&c->in, 65536) != 0) return -1;
        ssize_t n = read(c->fd, c->in.data + c->in.length, c->in.capacity - c->in.length);
        if (n > 0) {
            c->in.length += (size_t)n;
            // Level-triggered: the rest is read after these frames are handled.
            if (c->in.length - c->in.offset >= 4u * 1024u * 1024u) return 0;
            continue;
        }
        if (n == 0) return -1;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
}

int connection_flush(struct connection *c) {
    struct buffer *b = &c->out;
    while (b->offset < b->length) {
        ssize_t n = send(c->fd, b->data + b->offset, b->length - b->offset, MSG_NOSIGNAL);
        if (n > 0) {
            b->offset += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return b->length - b->offset > MAX_PENDING_OUTPUT ? -1 : 1;
        return -1;
    }
    b->offset = b->length = 0;
    return 0;
}

void connection_close(struct connection *c) {
    if (c->fd >= 0) close(c->fd);
    c->fd = -1;
    free(c->in.data);
    free(c->out.data);
    memset(&c->in, 0, sizeof c->in);
    memset(&c->out, 0, sizeof c->out);
    c->polling_output = 0;
}

const uint8_t *next_frame(struct buffer *in, size_t *length) {
    *length = 0;
    size_t available = in->length - in->offset;
    if (available < 4) return NULL;
    const uint8_t *p = in->data + in->offset;
    uint32_t n = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    if (n > SUNDIAL_MAX_FRAME) {
        *length = (size_t)-1;
        return NULL;
    }
    if (available - 4 < n) return NULL;
    in->offset += 4 + (size_t)n;
    *length = n;
    return p + 4;
}

int frame_fields(const uint8_t *frame, size_t length, const char **fields, int max) {
    int count = 0;
    size_t i = 1;  // after the type byte
    while (i < length) {
        const uint8_t *end = memchr(frame + i, 0, length - i);
        if (!end || (fields && count == max)) return -1;
        if (fields) fields[count] = (const char *)frame + i;
        count++;
        i = (size_t)(end - frame) + 1;
    }
    return count;
}
