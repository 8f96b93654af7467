/*
 * LD_PRELOAD shim that logs the plaintext of every GnuTLS record a process sends (and, for
 * information, every successful read) to the file named by PCMK_CAPTURE_LOG.
 *
 * One line per call, fields separated by single spaces:
 *   <send|recv> <pid> <monotonic seconds.nanoseconds> <connection> <byte count> <hex>
 * <connection> is "<n>:<session pointer>", n counting the gnutls_init() calls of the process
 * from 1, so a session pointer that the allocator reuses for a later connection still gets a
 * new name. gnutls_init() and gnutls_deinit() are logged too, as "init" and "deinit" lines with
 * a byte count of 0 and an empty hex field. A completed gnutls_handshake() is logged as a
 * "handshake" line whose hex field holds a text: gnutls_session_get_desc() (TLS version and
 * cipher), the key exchange, the key-share group and whether the session was resumed.
 *
 * A successful gnutls_record_send() call transmits exactly one TLS record (GnuTLS cuts at the
 * maximum record size and returns the count it sent), so the send lines are the real record
 * boundaries. Calls that fail (GNUTLS_E_AGAIN, errors) are not logged; the caller repeats them.
 *
 * No byte is changed: the wrappers forward to the real functions found with dlsym(RTLD_NEXT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

typedef int (*handshake_fn)(gnutls_session_t);
typedef int (*init_fn)(gnutls_session_t *, unsigned int);
typedef void (*deinit_fn)(gnutls_session_t);
typedef ssize_t (*record_fn)(gnutls_session_t, void *, size_t);
typedef ssize_t (*record_send_fn)(gnutls_session_t, const void *, size_t);

static int log_fd = -2; /* -2: not opened yet, -1: logging disabled */

/* Live sessions and their connection numbers (a handful at a time in practice). */
#define MAX_SESSIONS 256
static struct {
    gnutls_session_t session;
    unsigned long serial;
} sessions[MAX_SESSIONS];
static unsigned long last_serial = 0;

static unsigned long
session_serial(gnutls_session_t session)
{
    for (int i = 0; i < MAX_SESSIONS; i++) {
        if (sessions[i].session == session) {
            return sessions[i].serial;
        }
    }
    return 0; /* created before the shim saw it */
}

static void
session_add(gnutls_session_t session)
{
    last_serial++;
    for (int i = 0; i < MAX_SESSIONS; i++) {
        if (sessions[i].session == NULL) {
            sessions[i].session = session;
            sessions[i].serial = last_serial;
            return;
        }
    }
}

static void
session_remove(gnutls_session_t session)
{
    for (int i = 0; i < MAX_SESSIONS; i++) {
        if (sessions[i].session == session) {
            sessions[i].session = NULL;
            return;
        }
    }
}

static int
capture_fd(void)
{
    if (log_fd == -2) {
        const char *path = getenv("PCMK_CAPTURE_LOG");

        log_fd = -1;
        if (path != NULL && path[0] != '\0') {
            log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        }
    }
    return log_fd;
}

static void
log_record(const char *dir, gnutls_session_t session, const unsigned char *data, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    struct timespec ts;
    char head[160];
    int head_len;
    char *line;
    size_t pos;
    int fd = capture_fd();

    if (fd < 0) {
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    head_len = snprintf(head, sizeof(head), "%s %ld %lld.%09ld %lu:%p %zu ", dir,
                        (long) getpid(), (long long) ts.tv_sec, ts.tv_nsec,
                        session_serial(session), (void *) session, n);
    if (head_len <= 0 || (size_t) head_len >= sizeof(head)) {
        return;
    }
    line = malloc((size_t) head_len + 2 * n + 1);
    if (line == NULL) {
        return;
    }
    memcpy(line, head, (size_t) head_len);
    pos = (size_t) head_len;
    for (size_t i = 0; i < n; i++) {
        line[pos++] = digits[data[i] >> 4];
        line[pos++] = digits[data[i] & 0x0f];
    }
    line[pos++] = '\n';

    /* One write() per line: with O_APPEND the line lands in one piece. */
    for (size_t done = 0; done < pos;) {
        ssize_t w = write(fd, line + done, pos - done);

        if (w <= 0) {
            break;
        }
        done += (size_t) w;
    }
    free(line);
}

int
gnutls_init(gnutls_session_t *session, unsigned int flags)
{
    static init_fn real_init = NULL;
    int rc;

    if (real_init == NULL) {
        real_init = (init_fn) dlsym(RTLD_NEXT, "gnutls_init");
        if (real_init == NULL) {
            return GNUTLS_E_INTERNAL_ERROR;
        }
    }
    rc = real_init(session, flags);
    if (rc == GNUTLS_E_SUCCESS) {
        session_add(*session);
        log_record("init", *session, NULL, 0);
    }
    return rc;
}

void
gnutls_deinit(gnutls_session_t session)
{
    static deinit_fn real_deinit = NULL;

    if (real_deinit == NULL) {
        real_deinit = (deinit_fn) dlsym(RTLD_NEXT, "gnutls_deinit");
        if (real_deinit == NULL) {
            return;
        }
    }
    log_record("deinit", session, NULL, 0);
    session_remove(session);
    real_deinit(session);
}

int
gnutls_handshake(gnutls_session_t session)
{
    static handshake_fn real_handshake = NULL;
    int rc;

    if (real_handshake == NULL) {
        real_handshake = (handshake_fn) dlsym(RTLD_NEXT, "gnutls_handshake");
        if (real_handshake == NULL) {
            return GNUTLS_E_INTERNAL_ERROR;
        }
    }
    rc = real_handshake(session);
    if (rc == GNUTLS_E_SUCCESS) {
        char *desc = gnutls_session_get_desc(session);
        const char *kx = gnutls_kx_get_name(gnutls_kx_get(session));
        const char *group = gnutls_group_get_name(gnutls_group_get(session));
        char text[256];
        int len = snprintf(text, sizeof(text), "%s kx=%s group=%s resumed=%d",
                           desc? desc : "?", kx? kx : "-", group? group : "-",
                           gnutls_session_is_resumed(session));

        if (len > 0) {
            log_record("handshake", session, (const unsigned char *) text,
                       (size_t) len < sizeof(text)? (size_t) len : sizeof(text) - 1);
        }
        free(desc); /* gnutls_free is free() unless an application overrides it */
    }
    return rc;
}

ssize_t
gnutls_record_send(gnutls_session_t session, const void *data, size_t data_size)
{
    static record_send_fn real_send = NULL;
    ssize_t rc;

    if (real_send == NULL) {
        real_send = (record_send_fn) dlsym(RTLD_NEXT, "gnutls_record_send");
        if (real_send == NULL) {
            return GNUTLS_E_INTERNAL_ERROR;
        }
    }
    rc = real_send(session, data, data_size);
    if (rc > 0) {
        log_record("send", session, data, (size_t) rc);
    }
    return rc;
}

ssize_t
gnutls_record_recv(gnutls_session_t session, void *data, size_t data_size)
{
    static record_fn real_recv = NULL;
    ssize_t rc;

    if (real_recv == NULL) {
        real_recv = (record_fn) dlsym(RTLD_NEXT, "gnutls_record_recv");
        if (real_recv == NULL) {
            return GNUTLS_E_INTERNAL_ERROR;
        }
    }
    rc = real_recv(session, data, data_size);
    if (rc > 0) {
        log_record("recv", session, data, (size_t) rc);
    }
    return rc;
}
