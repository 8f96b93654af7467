/*
 * lrmd-conformance: the conformance kit of pcmk-remote. Drives a Pacemaker Remote executor
 * through Pacemaker's own client library (liblrmd) and checks that it behaves as the real
 * pacemaker-remoted 2.1.5 does. Every expectation below was measured against that daemon
 * (see test/conformance/remoted-conformance.test.ts); any implementation that passes can stand
 * in for it as far as Pacemaker's client library can tell.
 *
 * Usage: lrmd-conformance [options] [scenario ...]     (names may also be comma-separated)
 *   -H host       executor address                 (default 127.0.0.1)
 *   -p port       executor port                    (default $PCMK_remote_port or 3121)
 *   -k file       PSK key file                     (default $PCMK_authkey_location or
 *                                                   /etc/pacemaker/authkey)
 *   -a prov:type  OCF agent of the "Echo" contract for the large and custom-agent scenarios;
 *                 without it the kit installs its own shell Echo agent for the run
 *   -O dir        OCF resource.d directory          (default /usr/lib/ocf/resource.d)
 *   -w dir        base of the run's work directory  (default /tmp)
 *   -s factor     multiply every wait limit         (default 1; e.g. 2 on a slow machine)
 *   -S ms         limit for the daemon to drop a TCP peer that never starts TLS (default 15000)
 *   -j            JSON lines instead of TAP
 *   -K            keep the work directory
 *   -l            list the scenarios and exit
 *   -v            liblrmd logging on stderr (repeatable)
 * Exit status: 0 when every check passed, 1 when one failed, 2 on usage or setup errors.
 *
 * The kit must run on the executor's host: agents, Dummy state files and alert output live in
 * the local file system, and the OCF agent it installs must be visible to the executor.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include <crm/crm.h>
#include <crm/lrmd.h>
#include <crm/services.h>
#include <crm/common/results.h>

/* ---------------------------------------------------------------- configuration */

struct config {
    const char *host;
    int port;
    const char *key_file;
    const char *agent_provider;   /* Echo contract agent; NULL: install our own */
    const char *agent_type;
    const char *ocf_root;
    const char *base_dir;
    double scale;
    int silent_limit_ms;
    bool json;
    bool keep;
    int verbosity;
};

static struct config cfg;
static char *workdir = NULL;          /* this run's files (state, alert output, keys) */
static char *installed_agent_dir = NULL;
static const char *self_exe = "/proc/self/exe";

/* Wait limits are scaled by -s. */
#define L(ms) ((int) ((ms) * cfg.scale))

/* ---------------------------------------------------------------- report output */

static const char *cur_scenario = "-";
static int n_checks = 0;
static int n_failed = 0;
static int sc_checks = 0;
static int sc_failed = 0;

static void
json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *) (s? s : ""); *p; p++) {
        switch (*p) {
            case '"':  fputs("\\\"", out); break;
            case '\\': fputs("\\\\", out); break;
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            default:
                if (*p < 0x20) {
                    fprintf(out, "\\u%04x", *p);
                } else {
                    fputc(*p, out);
                }
        }
    }
    fputc('"', out);
}

/* One pass/fail check of the current scenario. */
static bool
check(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    char *detail;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (strlen(detail) > 400) {
        strcpy(detail + 396, "...");
    }
    n_checks++;
    sc_checks++;
    if (!ok) {
        n_failed++;
        sc_failed++;
    }
    if (cfg.json) {
        printf("{\"type\":\"check\",\"scenario\":");
        json_string(stdout, cur_scenario);
        printf(",\"check\":");
        json_string(stdout, name);
        printf(",\"ok\":%s,\"detail\":", ok? "true" : "false");
        json_string(stdout, detail);
        printf("}\n");
    } else {
        printf("%s %d - %s/%s: %s\n", ok? "ok" : "not ok", n_checks, cur_scenario, name, detail);
    }
    fflush(stdout);
    g_free(detail);
    return ok;
}

/* A number worth reporting (timings); never a failure. */
static void
measure(const char *name, double value, const char *unit)
{
    if (cfg.json) {
        printf("{\"type\":\"measure\",\"scenario\":");
        json_string(stdout, cur_scenario);
        printf(",\"name\":");
        json_string(stdout, name);
        printf(",\"value\":%.1f,\"unit\":", value);
        json_string(stdout, unit);
        printf("}\n");
    } else {
        printf("# %s/%s = %.1f %s\n", cur_scenario, name, value, unit);
    }
    fflush(stdout);
}

static void
note(const char *fmt, ...)
{
    va_list ap;
    char *text;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (cfg.json) {
        printf("{\"type\":\"info\",\"scenario\":");
        json_string(stdout, cur_scenario);
        printf(",\"text\":");
        json_string(stdout, text);
        printf("}\n");
    } else {
        printf("# %s: %s\n", cur_scenario, text);
    }
    fflush(stdout);
    g_free(text);
}

static double
now_ms(void)
{
    return g_get_monotonic_time() / 1000.0;
}

/* ---------------------------------------------------------------- events */

/* One executor event, copied out of liblrmd's callback and kept until a check takes it. */
struct ev {
    char *conn;
    enum lrmd_callback_event type;
    char *rsc_id;
    char *op;
    char *user_data;
    char *output;
    char *exit_reason;
    guint interval_ms;
    int call_id;
    int rc;
    int status;
    int deleted;
    int timeout;
    unsigned int t_run;
    GHashTable *params;
    double at;          /* arrival, ms on the monotonic clock */
};

/* One open executor connection. */
struct conn {
    char *name;
    lrmd_t *api;
    bool dropped;       /* liblrmd reported a disconnect we did not ask for */
    bool closing;
};

static GQueue events = G_QUEUE_INIT;
static GList *conns = NULL;

static void
free_ev(struct ev *e)
{
    if (e == NULL) {
        return;
    }
    g_free(e->conn);
    g_free(e->rsc_id);
    g_free(e->op);
    g_free(e->user_data);
    g_free(e->output);
    g_free(e->exit_reason);
    if (e->params != NULL) {
        g_hash_table_destroy(e->params);
    }
    g_free(e);
}

static void
copy_param(gpointer key, gpointer value, gpointer table)
{
    g_hash_table_insert(table, g_strdup(key), g_strdup(value));
}

static void
on_event(lrmd_event_data_t *e)
{
    struct ev *s = g_new0(struct ev, 1);

    s->conn = g_strdup(e->remote_nodename);
    s->type = e->type;
    s->rsc_id = g_strdup(e->rsc_id);
    s->at = now_ms();
    if (e->type == lrmd_event_exec_complete) {
        s->op = g_strdup(e->op_type);
        s->user_data = g_strdup(e->user_data);
        s->output = g_strdup(e->output);
        s->exit_reason = g_strdup(e->exit_reason);
        s->interval_ms = e->interval_ms;
        s->rc = e->rc;
        s->status = e->op_status;
        s->deleted = e->rsc_deleted;
        s->timeout = e->timeout;
        s->t_run = e->t_run;
        s->params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        if (e->params != NULL) {
            g_hash_table_foreach((GHashTable *) e->params, copy_param, s->params);
        }
    }
    s->call_id = e->call_id;
    if (e->type == lrmd_event_disconnect) {
        for (GList *it = conns; it != NULL; it = it->next) {
            struct conn *c = it->data;

            if (g_strcmp0(c->name, s->conn) == 0 && !c->closing) {
                c->dropped = true;
            }
        }
    }
    g_queue_push_tail(&events, s);
}

/* What an awaited event must look like; NULL / 0 fields match anything. */
struct filter {
    const char *conn;
    enum lrmd_callback_event type;
    const char *rsc_id;
    const char *op;
    int call_id;
    bool match_status;
    int status;
};

static bool
matches(const struct ev *s, const struct filter *f)
{
    return s->type == f->type
           && (f->conn == NULL || g_strcmp0(s->conn, f->conn) == 0)
           && (f->rsc_id == NULL || g_strcmp0(s->rsc_id, f->rsc_id) == 0)
           && (f->op == NULL || g_strcmp0(s->op, f->op) == 0)
           && (f->call_id == 0 || s->call_id == f->call_id)
           && (!f->match_status || s->status == f->status);
}

static struct ev *
take_event(const struct filter *f)
{
    for (GList *it = events.head; it != NULL; it = it->next) {
        if (matches(it->data, f)) {
            struct ev *s = it->data;

            g_queue_delete_link(&events, it);
            return s;
        }
    }
    return NULL;
}

static int
count_events(const struct filter *f)
{
    int n = 0;

    for (GList *it = events.head; it != NULL; it = it->next) {
        n += matches(it->data, f)? 1 : 0;
    }
    return n;
}

static int
drop_events(const struct filter *f)
{
    int n = 0;
    struct ev *s;

    while ((s = take_event(f)) != NULL) {
        free_ev(s);
        n++;
    }
    return n;
}

static gboolean
on_deadline(gpointer data)
{
    *(bool *) data = true;
    return G_SOURCE_REMOVE;
}

/* Run the main loop until an event matches or timeout_ms passes. */
static struct ev *
wait_event(const struct filter *f, int timeout_ms)
{
    bool expired = false;
    guint timer;
    struct ev *s = take_event(f);

    if (s != NULL) {
        return s;
    }
    timer = g_timeout_add(timeout_ms, on_deadline, &expired);
    while (!expired && (s = take_event(f)) == NULL) {
        g_main_context_iteration(NULL, TRUE);
    }
    if (!expired) {
        g_source_remove(timer);
    }
    return s;
}

/* Run the main loop for ms milliseconds; events are recorded meanwhile. */
static void
spin(int ms)
{
    bool expired = false;

    g_timeout_add(ms, on_deadline, &expired);
    while (!expired) {
        g_main_context_iteration(NULL, TRUE);
    }
}

/* Serve pending main-loop work without blocking. */
static void
pump(void)
{
    while (g_main_context_iteration(NULL, FALSE)) {
    }
}

/* ---------------------------------------------------------------- connections */

static lrmd_t *
open_conn(const char *name, const char *check_name)
{
    lrmd_t *api = lrmd_remote_api_new(name, cfg.host, cfg.port);
    struct conn *c;
    double t0 = now_ms();
    int rc;

    if (api == NULL) {
        check(false, check_name, "lrmd_remote_api_new failed for %s", name);
        return NULL;
    }
    api->cmds->set_callback(api, on_event);
    rc = api->cmds->connect(api, name, NULL);
    if (!check(rc == pcmk_ok, check_name, "%s to %s:%d: rc=%d (%s) in %.0f ms", name, cfg.host,
               cfg.port, rc, pcmk_strerror(rc), now_ms() - t0)) {
        lrmd_api_delete(api);
        return NULL;
    }
    c = g_new0(struct conn, 1);
    c->name = g_strdup(name);
    c->api = api;
    conns = g_list_append(conns, c);
    return api;
}

static void
close_conn(lrmd_t *api)
{
    for (GList *it = conns; it != NULL; it = it->next) {
        struct conn *c = it->data;
        char *name;

        if (c->api != api) {
            continue;
        }
        name = g_strdup_printf("%s-stayed-up", c->name);
        pump();
        check(!c->dropped && api->cmds->is_connected(api), name,
              "%s", c->dropped? "the daemon dropped the connection" : "connected until closed");
        g_free(name);
        c->closing = true;
        api->cmds->disconnect(api);
        lrmd_api_delete(api);
        conns = g_list_delete_link(conns, it);
        g_free(c->name);
        g_free(c);
        return;
    }
}

static void
close_all(void)
{
    while (conns != NULL) {
        close_conn(((struct conn *) conns->data)->api);
    }
}

/* ---------------------------------------------------------------- helpers */

static lrmd_key_value_t *
kv(lrmd_key_value_t *p, const char *k, const char *v)
{
    return lrmd_key_value_add(p, k, v);
}

static char *
state_path(const char *tag)
{
    return g_strdup_printf("%s/%s.state", workdir, tag);
}

static bool
file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* The Echo contract's deterministic printable text: byte i = 32 + (7i + i/1000) mod 95. */
static char *
pattern(size_t n)
{
    char *s = g_malloc(n + 1);

    for (size_t i = 0; i < n; i++) {
        s[i] = (char) (32 + (i * 7 + i / 1000) % 95);
    }
    s[n] = '\0';
    return s;
}

static const char *
str_or(const char *s, const char *dflt)
{
    return s? s : dflt;
}

/* Register a resource and consume its register notification. */
static bool
reg(lrmd_t *api, const char *conn, const char *rsc, const char *standard, const char *provider,
    const char *type, const char *check_name)
{
    struct filter f = { .conn = conn, .type = lrmd_event_register, .rsc_id = rsc };
    int rc = api->cmds->register_rsc(api, rsc, standard, provider, type, lrmd_opt_none);
    struct ev *e;

    if (!check(rc == pcmk_ok, check_name, "%s %s:%s:%s rc=%d", rsc, standard,
               str_or(provider, ""), type, rc)) {
        return false;
    }
    e = wait_event(&f, L(5000));
    free_ev(e);
    return e != NULL;
}

/* Unregister quietly (end-of-scenario cleanup) and consume the notification. */
static void
unreg_quiet(lrmd_t *api, const char *conn, const char *rsc)
{
    struct filter f = { .conn = conn, .type = lrmd_event_unregister, .rsc_id = rsc };

    if (api == NULL || !api->cmds->is_connected(api)) {
        return;
    }
    api->cmds->unregister_rsc(api, rsc, lrmd_opt_none);
    free_ev(wait_event(&f, L(3000)));
}

static struct ev *
wait_result(const char *conn, const char *rsc, const char *op, int call_id, int timeout_ms)
{
    struct filter f = { .conn = conn, .type = lrmd_event_exec_complete, .rsc_id = rsc, .op = op,
                        .call_id = call_id };

    return wait_event(&f, timeout_ms);
}

/* Check rc and status of a result; a missing result fails. Frees the event. */
static bool
expect_rc(const char *name, struct ev *e, int call_id, int rc, int status)
{
    bool ok;

    if (e == NULL) {
        return check(false, name, "no result for call %d", call_id);
    }
    ok = check(e->rc == rc && e->status == status, name,
               "call %d rc=%d status=%d (expected rc=%d status=%d)%s%s", e->call_id, e->rc,
               e->status, rc, status, e->exit_reason? " exit_reason=" : "",
               str_or(e->exit_reason, ""));
    free_ev(e);
    return ok;
}

/* Exec an action and check its result in one go; returns the call id (or the negative rc). */
static int
run_op(lrmd_t *api, const char *conn, const char *name, const char *rsc, const char *action,
       int timeout, lrmd_key_value_t *params, int rc, int status)
{
    int call = api->cmds->exec(api, rsc, action, NULL, 0, timeout, 0, lrmd_opt_none, params);

    if (call <= 0) {
        check(false, name, "exec %s on %s refused: %d (%s)", action, rsc, call,
              pcmk_strerror(call));
        return call;
    }
    expect_rc(name, wait_result(conn, rsc, action, call, L(timeout) + L(10000)), call, rc,
              status);
    return call;
}

static int
count_recurring(lrmd_t *api, const char *rsc, lrmd_op_info_t *first_out)
{
    GList *ops = NULL;
    int rc = api->cmds->get_recurring_ops(api, rsc, 10000, lrmd_opt_none, &ops);
    int n = 0;

    if (rc != pcmk_ok) {
        return rc < 0? rc : -rc;
    }
    for (GList *it = ops; it != NULL; it = it->next) {
        lrmd_op_info_t *op = it->data;

        if (rsc != NULL && g_strcmp0(op->rsc_id, rsc) != 0) {
            continue;
        }
        if (n == 0 && first_out != NULL) {
            first_out->rsc_id = g_strdup(op->rsc_id);
            first_out->action = g_strdup(op->action);
            first_out->interval_ms_s = g_strdup(op->interval_ms_s);
            first_out->timeout_ms_s = g_strdup(op->timeout_ms_s);
        }
        n++;
    }
    g_list_free_full(ops, (GDestroyNotify) lrmd_free_op_info);
    return n;
}

static void
clear_op_info(lrmd_op_info_t *op)
{
    g_free(op->rsc_id);
    g_free(op->action);
    g_free(op->interval_ms_s);
    g_free(op->timeout_ms_s);
    memset(op, 0, sizeof(*op));
}

/* Poke and wait for this connection's poke notification: everything the daemon wrote to this
 * connection before the poke reply has been received once it returns (an ordering barrier). */
static bool
barrier(lrmd_t *api, const char *conn)
{
    struct filter f = { .conn = conn, .type = lrmd_event_poke };
    struct ev *e;

    drop_events(&f);
    if (api->cmds->poke_connection(api) != pcmk_ok) {
        return false;
    }
    e = wait_event(&f, L(5000));
    free_ev(e);
    return e != NULL;
}

static int
tcp_connect(void)
{
    struct addrinfo hints = { 0 };
    struct addrinfo *res = NULL;
    char port[16];
    int fd = -1;

    hints.ai_socktype = SOCK_STREAM;
    snprintf(port, sizeof(port), "%d", cfg.port);
    if (getaddrinfo(cfg.host, port, &hints, &res) != 0) {
        return -1;
    }
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

/* True once the peer closed (EOF or reset); consumes and ignores any bytes it sent. */
static bool
peer_closed(int fd, int wait_ms)
{
    struct pollfd p = { fd, POLLIN | POLLRDHUP, 0 };
    char buf[4096];

    if (poll(&p, 1, wait_ms) <= 0) {
        return false;
    }
    if (p.revents & (POLLHUP | POLLERR)) {
        return true;
    }
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

        if (n == 0) {
            return true;
        }
        if (n < 0) {
            return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
        }
    }
}

static bool
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    bool ok;

    if (fd < 0) {
        return false;
    }
    ok = write(fd, data, len) == (ssize_t) len;
    ok = (fchmod(fd, mode) == 0) && ok;
    return (close(fd) == 0) && ok;
}

/* ---------------------------------------------------------------- scenario: connect */

static void
scenario_connect(void)
{
    const char *conn = "conf-connect";
    lrmd_t *api = open_conn(conn, "connect");
    lrmd_rsc_info_t *info;
    double t0;
    bool poked;
    int ok = 0;

    if (api == NULL) {
        return;
    }
    check(api->cmds->is_connected(api) == 1, "is-connected", "is_connected=%d",
          api->cmds->is_connected(api));
    info = api->cmds->get_rsc_info(api, "conf-no-such-rsc", lrmd_opt_none);
    check(info == NULL, "rsc-info-unknown", "%s", info? "found" : "not registered");
    lrmd_free_rsc_info(info);
    t0 = now_ms();
    poked = barrier(api, conn);
    t0 = now_ms() - t0;
    check(poked, "poke-notify", "poke notification in %.0f ms", t0);
    measure("poke-round-trip", t0, "ms");
    close_conn(api);

    /* Connections come and go: each new one is served. */
    for (int i = 0; i < 5; i++) {
        char *name = g_strdup_printf("conf-connect-%d", i);
        lrmd_t *again = open_conn(name, "reconnect");

        if (again != NULL && barrier(again, name)) {
            ok++;
        }
        if (again != NULL) {
            close_conn(again);
        }
        g_free(name);
    }
    check(ok == 5, "repeated-connects", "%d of 5 fresh connections served a poke", ok);
}

/* ---------------------------------------------------------------- scenario: bad-key */

static const char *
key_location(void)
{
    const char *env = getenv("PCMK_authkey_location");

    return cfg.key_file? cfg.key_file : (env && env[0])? env : "/etc/pacemaker/authkey";
}

/* Child mode (--probe-connect): connect once with the key named in the environment and
 * print "rc ms". liblrmd reads the key location once per process and caches the key for a
 * minute, so a wrong key can only be tried in a fresh process. */
static int
probe_connect(void)
{
    lrmd_t *api = lrmd_remote_api_new("conf-probe", cfg.host, cfg.port);
    double t0 = now_ms();
    int rc = api->cmds->connect(api, "conf-probe", NULL);

    printf("%d %.0f\n", rc, now_ms() - t0);
    fflush(stdout);
    if (rc == pcmk_ok) {
        api->cmds->disconnect(api);
    }
    lrmd_api_delete(api);
    return 0;
}

/* Run the probe child with the given key file; returns its connect rc (or INT_MIN). */
static int
run_probe(const char *key, double *ms)
{
    int pipefd[2];
    pid_t pid;
    char buf[64] = "";
    ssize_t n = 0;
    int status = 0;
    int rc = INT_MIN;
    double t0 = now_ms();

    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        return INT_MIN;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        char port[16];

        dup2(pipefd[1], STDOUT_FILENO);
        setenv("PCMK_authkey_location", key, 1);
        snprintf(port, sizeof(port), "%d", cfg.port);
        execl(self_exe, "lrmd-conformance", "--probe-connect", "-H", cfg.host, "-p", port,
              (char *) NULL);
        _exit(127);
    }
    close(pipefd[1]);
    if (pid > 0) {
        struct pollfd p = { pipefd[0], POLLIN, 0 };
        int left = L(30000);

        while (left > 0 && poll(&p, 1, 100) >= 0) {
            ssize_t r;

            left -= 100;
            if (!(p.revents & (POLLIN | POLLHUP))) {
                continue;
            }
            r = read(pipefd[0], buf + n, sizeof(buf) - 1 - n);
            if (r <= 0) {
                break;
            }
            n += r;
        }
        if (waitpid(pid, &status, WNOHANG) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
        }
        buf[n] = '\0';
        if (sscanf(buf, "%d", &rc) != 1) {
            rc = INT_MIN;
        }
    }
    close(pipefd[0]);
    *ms = now_ms() - t0;
    return rc;
}

static void
scenario_bad_key(void)
{
    struct stat st;
    size_t good_len = 256;
    struct { const char *label; size_t len; } variants[2];
    lrmd_t *api;
    int fd;

    if (stat(key_location(), &st) == 0 && st.st_size > 0) {
        good_len = (size_t) st.st_size;
    }
    variants[0].label = "wrong-key-same-length";
    variants[0].len = good_len;
    variants[1].label = "wrong-key-other-length";
    variants[1].len = good_len == 32? 64 : 32;
    fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    for (int i = 0; i < 2; i++) {
        char *path = g_strdup_printf("%s/%s.key", workdir, variants[i].label);
        char *bytes = g_malloc(variants[i].len);
        double ms = 0;
        int rc;

        if (fd < 0 || read(fd, bytes, variants[i].len) != (ssize_t) variants[i].len
            || !write_file(path, bytes, variants[i].len, 0600)) {
            check(false, variants[i].label, "could not write %s", path);
        } else {
            rc = run_probe(path, &ms);
            check(rc != pcmk_ok && rc != INT_MIN && ms < L(10000), variants[i].label,
                  "%zu-byte key: connect rc=%d (%s) after %.0f ms (expected a refusal)",
                  variants[i].len, rc, rc == INT_MIN? "probe failed" : pcmk_strerror(rc), ms);
            measure(variants[i].label, ms, "ms");
        }
        g_free(bytes);
        g_free(path);
    }
    if (fd >= 0) {
        close(fd);
    }
    api = open_conn("conf-after-bad-keys", "serves-after-bad-keys");
    if (api != NULL) {
        check(barrier(api, "conf-after-bad-keys"), "poke-after-bad-keys", "served");
        close_conn(api);
    }
}

/* ---------------------------------------------------------------- scenario: register-info */

static void
scenario_register_info(void)
{
    const char *conn = "conf-reg";
    const char *odd = "conf-a&b<c>d\"e'f";
    lrmd_t *api = open_conn(conn, "connect");
    struct filter f;
    lrmd_rsc_info_t *info;
    struct ev *e;
    int rc, call;

    if (api == NULL) {
        return;
    }
    info = api->cmds->get_rsc_info(api, odd, lrmd_opt_none);
    check(info == NULL, "info-unknown", "%s", info? "found" : "not registered");
    lrmd_free_rsc_info(info);

    rc = api->cmds->register_rsc(api, odd, "ocf", "pacemaker", "Dummy", lrmd_opt_none);
    check(rc == pcmk_ok, "register", "id with & < > \" ' rc=%d", rc);
    f = (struct filter) { .conn = conn, .type = lrmd_event_register, .rsc_id = NULL };
    e = wait_event(&f, L(5000));
    check(e != NULL && g_strcmp0(e->rsc_id, odd) == 0, "register-notify", "rsc_id=%s",
          e? str_or(e->rsc_id, "(none)") : "(no notification)");
    free_ev(e);

    info = api->cmds->get_rsc_info(api, odd, lrmd_opt_none);
    check(info != NULL && g_strcmp0(info->id, odd) == 0 && g_strcmp0(info->standard, "ocf") == 0
          && g_strcmp0(info->provider, "pacemaker") == 0 && g_strcmp0(info->type, "Dummy") == 0,
          "info-round-trip", "id=%s class=%s provider=%s type=%s", info? info->id : "-",
          info? info->standard : "-", info? str_or(info->provider, "(none)") : "-",
          info? info->type : "-");
    lrmd_free_rsc_info(info);

    {
        char *state = state_path("reg-odd");

        call = api->cmds->exec(api, odd, "monitor", NULL, 0, 20000, 0, lrmd_opt_none,
                               kv(NULL, "state", state));
        e = call > 0? wait_result(conn, odd, "monitor", call, L(20000)) : NULL;
        check(e != NULL && g_strcmp0(e->rsc_id, odd) == 0 && e->rc == PCMK_OCF_NOT_RUNNING
              && e->status == PCMK_EXEC_DONE, "exec-odd-id", "call %d rsc_id=%s rc=%d status=%d",
              call, e? str_or(e->rsc_id, "(none)") : "-", e? e->rc : -1, e? e->status : -1);
        free_ev(e);
        g_free(state);
    }

    reg(api, conn, odd, "ocf", "pacemaker", "Stateful", "reregister");
    info = api->cmds->get_rsc_info(api, odd, lrmd_opt_none);
    check(info != NULL && g_strcmp0(info->type, "Stateful") == 0, "reregister-replaces",
          "type=%s", info? info->type : "-");
    lrmd_free_rsc_info(info);

    reg(api, conn, "conf-lsb", "lsb", NULL, "no-such-script", "register-lsb");
    info = api->cmds->get_rsc_info(api, "conf-lsb", lrmd_opt_none);
    check(info != NULL && g_strcmp0(info->standard, "lsb") == 0 && info->provider == NULL
          && g_strcmp0(info->type, "no-such-script") == 0, "info-lsb-no-provider",
          "class=%s provider=%s type=%s", info? info->standard : "-",
          info? str_or(info->provider, "(none)") : "-", info? info->type : "-");
    lrmd_free_rsc_info(info);

    /* Error replies. */
    call = api->cmds->exec(api, "conf-no-such-rsc", "monitor", NULL, 0, 20000, 0, lrmd_opt_none,
                           NULL);
    check(call == -ENODEV, "exec-unknown-rsc", "rc=%d (expected %d)", call, -ENODEV);
    rc = api->cmds->cancel(api, "conf-no-such-rsc", "monitor", 10000);
    check(rc == -ENODEV, "cancel-unknown-rsc", "rc=%d (expected %d)", rc, -ENODEV);
    rc = api->cmds->cancel(api, odd, "monitor", 12345);
    check(rc == -EOPNOTSUPP, "cancel-unknown-op", "rc=%d (expected %d)", rc, -EOPNOTSUPP);
    rc = count_recurring(api, "conf-no-such-rsc", NULL);
    check(rc == -ENODEV, "get-recurring-unknown-rsc", "rc=%d (expected %d)", rc, -ENODEV);
    rc = count_recurring(api, NULL, NULL);
    check(rc == 0, "get-recurring-all", "%d recurring ops (expected 0)", rc);

    rc = api->cmds->unregister_rsc(api, "conf-never-registered", lrmd_opt_none);
    f = (struct filter) { .conn = conn, .type = lrmd_event_unregister,
                          .rsc_id = "conf-never-registered" };
    e = wait_event(&f, L(5000));
    check(rc == pcmk_ok && e != NULL, "unregister-unknown", "rc=%d, notification %s", rc,
          e? "sent" : "missing");
    free_ev(e);

    rc = api->cmds->unregister_rsc(api, odd, lrmd_opt_none);
    f = (struct filter) { .conn = conn, .type = lrmd_event_unregister, .rsc_id = odd };
    e = wait_event(&f, L(5000));
    check(rc == pcmk_ok && e != NULL, "unregister", "rc=%d, notification %s", rc,
          e? "sent" : "missing");
    free_ev(e);
    info = api->cmds->get_rsc_info(api, odd, lrmd_opt_none);
    check(info == NULL, "info-after-unregister", "%s", info? "still registered" : "gone");
    lrmd_free_rsc_info(info);
    unreg_quiet(api, conn, "conf-lsb");
    close_conn(api);
}

/* ---------------------------------------------------------------- scenario: dummy */

static const char *DUMMY_FAKE = "x&y<z>\"q'";
static const char *DUMMY_USERDATA = "1:2:0:uuid&<x>";

static lrmd_key_value_t *
dummy_params(const char *state)
{
    lrmd_key_value_t *p = kv(NULL, "state", state);

    p = kv(p, "fake", DUMMY_FAKE);
    p = kv(p, "1st_param", "first");   /* a name that cannot be an XML attribute */
    return p;
}

static void
scenario_dummy(void)
{
    const char *conn = "conf-dummy";
    const char *rsc = "conf-dummy1";
    char *state = state_path("dummy1");
    lrmd_t *api = open_conn(conn, "connect");
    const char *actions[] = { "monitor", "start", "monitor", "stop", "monitor" };
    const char *names[] = { "probe", "start", "monitor", "stop", "monitor-after-stop" };
    const int rcs[] = { PCMK_OCF_NOT_RUNNING, PCMK_OCF_OK, PCMK_OCF_OK, PCMK_OCF_OK,
                        PCMK_OCF_NOT_RUNNING };
    int calls[5] = { 0 };
    bool increasing = true;

    if (api == NULL || !reg(api, conn, rsc, "ocf", "pacemaker", "Dummy", "register")) {
        g_free(state);
        return;
    }
    for (int i = 0; i < 5; i++) {
        struct ev *e;
        int call = api->cmds->exec(api, rsc, actions[i], DUMMY_USERDATA, 0, 20000, 0,
                                   lrmd_opt_none, dummy_params(state));

        calls[i] = call;
        if (call <= 0) {
            check(false, names[i], "exec refused: %d", call);
            continue;
        }
        e = wait_result(conn, rsc, actions[i], call, L(30000));
        if (i == 0 && e != NULL) {
            const char *echoed_state = g_hash_table_lookup(e->params, "state");
            const char *echoed_fake = g_hash_table_lookup(e->params, "fake");
            const char *echoed_digit = g_hash_table_lookup(e->params, "1st_param");

            check(g_strcmp0(echoed_state, state) == 0 && g_strcmp0(echoed_fake, DUMMY_FAKE) == 0,
                  "params-echoed", "state=%s fake=%s", str_or(echoed_state, "(missing)"),
                  str_or(echoed_fake, "(missing)"));
            check(g_strcmp0(echoed_digit, "first") == 0, "digit-param-echoed",
                  "1st_param=%s", str_or(echoed_digit, "(missing)"));
            check(g_strcmp0(e->user_data, DUMMY_USERDATA) == 0, "user-data-echoed",
                  "user_data=%s", str_or(e->user_data, "(missing)"));
            check(e->timeout == 20000 && e->interval_ms == 0, "timeout-interval-echoed",
                  "timeout=%d interval=%u", e->timeout, e->interval_ms);
            check(e->t_run > 0, "run-time-set", "t_run=%u", e->t_run);
        }
        expect_rc(names[i], e, call, rcs[i], PCMK_EXEC_DONE);
        if (i == 1) {
            check(file_exists(state), "start-created-state", "%s", state);
        } else if (i == 3) {
            check(!file_exists(state), "stop-removed-state", "%s", state);
        }
        if (i == 2) {
            /* Dummy's check level 30 fails with an exit reason. */
            lrmd_key_value_t *p = kv(dummy_params(state), "OCF_CHECK_LEVEL", "30");
            int c30 = api->cmds->exec(api, rsc, "monitor", NULL, 0, 20000, 0, lrmd_opt_none, p);
            struct ev *r = c30 > 0? wait_result(conn, rsc, "monitor", c30, L(30000)) : NULL;

            check(r != NULL && r->rc == PCMK_OCF_UNKNOWN_ERROR && r->status == PCMK_EXEC_DONE
                  && g_strcmp0(r->exit_reason, "hyperdrive quota reached") == 0,
                  "exit-reason", "rc=%d status=%d exit_reason=%s", r? r->rc : -1,
                  r? r->status : -1, r? str_or(r->exit_reason, "(none)") : "(no result)");
            free_ev(r);
        }
    }
    for (int i = 1; i < 5; i++) {
        increasing = increasing && calls[i] > calls[i - 1] && calls[i - 1] > 0;
    }
    check(increasing, "call-ids-increase", "%d,%d,%d,%d,%d", calls[0], calls[1], calls[2],
          calls[3], calls[4]);
    unreg_quiet(api, conn, rsc);
    close_conn(api);
    g_free(state);
}

/* ---------------------------------------------------------------- scenario: recurring */

static void
scenario_recurring(void)
{
    const char *conn = "conf-rec";
    const char *rsc = "conf-rec1";
    char *state = state_path("rec1");
    lrmd_t *api = open_conn(conn, "connect");
    lrmd_op_info_t op = { 0 };
    struct filter f;
    struct ev *e;
    double at[3] = { 0 };
    int got = 0, call, call2, rc, n;

    if (api == NULL || !reg(api, conn, rsc, "ocf", "pacemaker", "Dummy", "register")) {
        g_free(state);
        return;
    }
    run_op(api, conn, "start", rsc, "start", 20000, kv(NULL, "state", state), PCMK_OCF_OK,
           PCMK_EXEC_DONE);

    call = api->cmds->exec(api, rsc, "monitor", NULL, 1000, 20000, 0, lrmd_opt_none,
                           kv(NULL, "state", state));
    check(call > 0, "exec-recurring", "monitor every 1000 ms: call %d", call);
    for (got = 0; got < 3 && call > 0; got++) {
        e = wait_result(conn, rsc, "monitor", call, L(6000));
        if (e == NULL || e->rc != PCMK_OCF_OK || e->status != PCMK_EXEC_DONE
            || e->interval_ms != 1000) {
            check(false, "recurring-results", "result %d: %s", got + 1,
                  e? "unexpected rc/status/interval" : "missing");
            free_ev(e);
            break;
        }
        at[got] = e->at;
        free_ev(e);
    }
    if (got == 3) {
        double g1 = at[1] - at[0], g2 = at[2] - at[1];

        check(g1 > 700 && g1 < L(4000) && g2 > 700 && g2 < L(4000), "recurring-results",
              "3 results rc 0, %.0f and %.0f ms apart", g1, g2);
        measure("interval-gap-1", g1, "ms");
        measure("interval-gap-2", g2, "ms");
    }
    n = count_recurring(api, rsc, &op);
    check(n == 1 && g_strcmp0(op.action, "monitor") == 0
          && g_strcmp0(op.interval_ms_s, "1000") == 0 && g_strcmp0(op.timeout_ms_s, "20000") == 0,
          "listed", "%d op(s): %s interval=%s timeout=%s", n, str_or(op.action, "-"),
          str_or(op.interval_ms_s, "-"), str_or(op.timeout_ms_s, "-"));
    clear_op_info(&op);

    /* The same action and interval again: merged under a new call id, runs soon. */
    call2 = api->cmds->exec(api, rsc, "monitor", NULL, 1000, 20000, 0, lrmd_opt_none,
                            kv(NULL, "state", state));
    check(call2 > call, "duplicate-new-call-id", "call %d after %d", call2, call);
    e = call2 > 0? wait_result(conn, rsc, "monitor", call2, L(5000)) : NULL;
    check(e != NULL && e->rc == PCMK_OCF_OK, "duplicate-runs", "%s",
          e? "result under the new call id" : "no result under the new call id");
    free_ev(e);
    n = count_recurring(api, rsc, NULL);
    check(n == 1, "duplicate-merged", "%d recurring op(s) listed (expected 1)", n);

    rc = api->cmds->cancel(api, rsc, "monitor", 1000);
    check(rc == pcmk_ok, "cancel", "rc=%d", rc);
    f = (struct filter) { .conn = conn, .type = lrmd_event_exec_complete, .rsc_id = rsc,
                          .op = "monitor", .call_id = 0, .match_status = true,
                          .status = PCMK_EXEC_CANCELLED };
    e = wait_event(&f, L(5000));
    check(e != NULL && e->call_id == call2 && e->rc == PCMK_OCF_OK, "cancelled-notify",
          "%s call %d rc=%d (expected the latest call %d, last rc 0)",
          e? "status cancelled," : "missing:", e? e->call_id : -1, e? e->rc : -1, call2);
    free_ev(e);
    f = (struct filter) { .conn = conn, .type = lrmd_event_exec_complete, .rsc_id = rsc,
                          .op = "monitor" };
    drop_events(&f);
    spin(2500);
    n = drop_events(&f);
    check(n == 0, "silent-after-cancel", "%d results in 2.5 s after the cancel", n);
    n = count_recurring(api, rsc, NULL);
    check(n == 0, "gone-after-cancel", "%d recurring op(s) listed", n);
    rc = api->cmds->cancel(api, rsc, "monitor", 1000);
    check(rc == -EOPNOTSUPP, "cancel-again", "rc=%d (expected %d)", rc, -EOPNOTSUPP);

    run_op(api, conn, "stop", rsc, "stop", 20000, kv(NULL, "state", state), PCMK_OCF_OK,
           PCMK_EXEC_DONE);
    unreg_quiet(api, conn, rsc);
    close_conn(api);
    g_free(state);
}

/* ---------------------------------------------------------------- scenario: changes-only */

static void
scenario_changes_only(void)
{
    const char *conn = "conf-chg";
    const char *rsc = "conf-chg1";
    char *state = state_path("chg1");
    lrmd_t *api = open_conn(conn, "connect");
    struct filter f;
    struct ev *e;
    int call, stop, n;

    if (api == NULL || !reg(api, conn, rsc, "ocf", "pacemaker", "Dummy", "register")) {
        g_free(state);
        return;
    }
    run_op(api, conn, "start", rsc, "start", 20000, kv(NULL, "state", state), PCMK_OCF_OK,
           PCMK_EXEC_DONE);
    call = api->cmds->exec(api, rsc, "monitor", NULL, 1000, 20000, 0,
                           lrmd_opt_notify_changes_only, kv(NULL, "state", state));
    check(call > 0, "exec-recurring", "monitor every 1000 ms, changes only: call %d", call);
    expect_rc("first-result", wait_result(conn, rsc, "monitor", call, L(6000)), call,
              PCMK_OCF_OK, PCMK_EXEC_DONE);
    spin(3500);
    f = (struct filter) { .conn = conn, .type = lrmd_event_exec_complete, .rsc_id = rsc,
                          .op = "monitor" };
    n = drop_events(&f);
    check(n == 0, "silent-while-steady", "%d further results in 3.5 s (expected 0)", n);
    n = count_recurring(api, rsc, NULL);
    check(n == 1, "listed", "%d recurring op(s)", n);

    unlink(state);
    e = wait_result(conn, rsc, "monitor", call, L(6000));
    check(e != NULL && e->rc == PCMK_OCF_NOT_RUNNING && e->status == PCMK_EXEC_DONE,
          "change-reported", "%s rc=%d", e? "result" : "no result", e? e->rc : -1);
    free_ev(e);
    spin(2500);
    n = drop_events(&f);
    check(n == 0, "change-reported-once", "%d further results in 2.5 s (expected 0)", n);

    /* Stop cancels the recurring monitor first. */
    stop = api->cmds->exec(api, rsc, "stop", NULL, 0, 20000, 0, lrmd_opt_none,
                           kv(NULL, "state", state));
    f = (struct filter) { .conn = conn, .type = lrmd_event_exec_complete, .rsc_id = rsc,
                          .op = "monitor", .call_id = call, .match_status = true,
                          .status = PCMK_EXEC_CANCELLED };
    e = wait_event(&f, L(8000));
    check(e != NULL && e->rc == PCMK_OCF_NOT_RUNNING, "stop-cancels-monitor",
          "%s rc=%d (expected the last rc 7)", e? "cancelled notification," : "missing:",
          e? e->rc : -1);
    free_ev(e);
    expect_rc("stop", wait_result(conn, rsc, "stop", stop, L(20000)), stop, PCMK_OCF_OK,
              PCMK_EXEC_DONE);
    n = count_recurring(api, rsc, NULL);
    check(n == 0, "gone-after-stop", "%d recurring op(s) listed", n);
    unreg_quiet(api, conn, rsc);
    close_conn(api);
    g_free(state);
}

/* ---------------------------------------------------------------- scenario: timeout */

static void
scenario_timeout(void)
{
    const char *conn = "conf-timeout";
    const char *rsc = "conf-slow1";
    char *state = state_path("slow1");
    lrmd_t *api = open_conn(conn, "connect");
    struct ev *e;
    double t0;
    int call;

    if (api == NULL || !reg(api, conn, rsc, "ocf", "pacemaker", "Dummy", "register")) {
        g_free(state);
        return;
    }
    /* liblrmd waits for the exec reply only as long as the action timeout, measured in whole
     * seconds, so 1000 ms would fail at random on the client side; 2000 ms is safe. */
    t0 = now_ms();
    call = api->cmds->exec(api, rsc, "start", NULL, 0, 2000, 0, lrmd_opt_none,
                           kv(kv(NULL, "state", state), "op_sleep", "5"));
    check(call > 0, "exec", "start with op_sleep=5, timeout 2000 ms: call %d", call);
    e = call > 0? wait_result(conn, rsc, "start", call, L(12000)) : NULL;
    if (e != NULL) {
        double ms = e->at - t0;

        check(e->rc == PCMK_OCF_UNKNOWN_ERROR && e->status == PCMK_EXEC_TIMEOUT, "timed-out",
              "rc=%d status=%d (expected rc 1, status %d)", e->rc, e->status, PCMK_EXEC_TIMEOUT);
        check(e->exit_reason != NULL && strstr(e->exit_reason, "did not complete within"),
              "exit-reason", "%s", str_or(e->exit_reason, "(none)"));
        check(ms > 1800 && ms < L(8000), "on-time", "result %.0f ms after the exec", ms);
        measure("timeout-result", ms, "ms");
    } else {
        check(false, "timed-out", "no result");
    }
    free_ev(e);
    /* Past the agent's own 5 s sleep: a start that was not killed (or only sent a signal the
     * shell survives) would have created its state file by now. */
    if (now_ms() - t0 < 6000) {
        spin((int) (6000 - (now_ms() - t0)));
    }
    if (getenv("CONFORMANCE_TERM_FIRST") != NULL) {
        /* An executor that sends SIGTERM before SIGKILL (pcmk-remoted, spec §11.5): Dummy
         * traps TERM, its sleep dies, and the start may finish within the grace period.
         * Only report it; the timed-out result above is what the cluster acts on. */
        note("term-first executor: state file %s 6 s after the exec",
             file_exists(state)? "present (the agent finished during the grace period)" : "absent");
    } else {
        check(!file_exists(state), "agent-killed", "%s", file_exists(state)?
              "the start went on and created its state file" : "no state file 6 s after the exec");
    }
    unreg_quiet(api, conn, rsc);
    close_conn(api);
    g_free(state);
}

/* ---------------------------------------------------------------- scenario: not-installed */

static void
scenario_not_installed(void)
{
    const char *conn = "conf-missing";
    lrmd_t *api = open_conn(conn, "connect");
    struct {
        const char *rsc, *standard, *provider, *type, *action, *reason;
    } cases[] = {
        { "conf-missing1", "ocf", "pacemaker", "NoSuchAgent", "monitor",
          "NoSuchAgent: No such file or directory" },
        { "conf-missing1", "ocf", "pacemaker", "NoSuchAgent", "start",
          "NoSuchAgent: No such file or directory" },
        { "conf-missing2", "ocf", "conf-no-such-provider", "Dummy", "monitor",
          "Dummy: No such file or directory" },
        { "conf-missing3", "lsb", NULL, "conf-no-such-script", "monitor",
          "/etc/init.d/conf-no-such-script: No such file or directory" },
    };
    const char *names[] = { "ocf-monitor", "ocf-start", "unknown-provider", "lsb-monitor" };

    if (api == NULL) {
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        struct ev *e;
        int call;

        if (i != 1 && !reg(api, conn, cases[i].rsc, cases[i].standard, cases[i].provider,
                           cases[i].type, "register")) {
            continue;
        }
        call = api->cmds->exec(api, cases[i].rsc, cases[i].action, NULL, 0, 20000, 0,
                               lrmd_opt_none, NULL);
        e = call > 0? wait_result(conn, cases[i].rsc, cases[i].action, call, L(20000)) : NULL;
        check(e != NULL && e->rc == PCMK_OCF_NOT_INSTALLED && e->status == PCMK_EXEC_NOT_INSTALLED
              && g_strcmp0(e->exit_reason, cases[i].reason) == 0, names[i],
              "%s:%s:%s %s: rc=%d status=%d exit_reason=%s (expected rc 5, status %d, \"%s\")",
              cases[i].standard, str_or(cases[i].provider, ""), cases[i].type, cases[i].action,
              e? e->rc : -1, e? e->status : -1, e? str_or(e->exit_reason, "(none)") : "-",
              PCMK_EXEC_NOT_INSTALLED, cases[i].reason);
        free_ev(e);
    }
    unreg_quiet(api, conn, "conf-missing1");
    unreg_quiet(api, conn, "conf-missing2");
    unreg_quiet(api, conn, "conf-missing3");
    close_conn(api);
}

/* ---------------------------------------------------- scenario: unregister-in-flight */

static void
scenario_unregister_in_flight(void)
{
    const char *conn = "conf-unreg";
    lrmd_t *api = open_conn(conn, "connect");
    lrmd_rsc_info_t *info;
    struct filter f;
    struct ev *e;
    int call, rc, n;

    if (api == NULL) {
        return;
    }

    /* A running start: EINPROGRESS, gone at once, the start still completes. */
    {
        const char *rsc = "conf-unreg-run";
        char *state = state_path("unreg-run");
        double t0;

        if (reg(api, conn, rsc, "ocf", "pacemaker", "Dummy", "register-running")) {
            t0 = now_ms();
            call = api->cmds->exec(api, rsc, "start", NULL, 0, 20000, 0, lrmd_opt_none,
                                   kv(kv(NULL, "state", state), "op_sleep", "3"));
            spin(700);
            rc = api->cmds->unregister_rsc(api, rsc, lrmd_opt_none);
            check(rc == -EINPROGRESS, "running-einprogress", "unregister rc=%d (expected %d)", rc,
                  -EINPROGRESS);
            f = (struct filter) { .conn = conn, .type = lrmd_event_unregister, .rsc_id = rsc };
            e = wait_event(&f, L(5000));
            check(e != NULL, "running-unregister-notify", "%s", e? "sent" : "missing");
            free_ev(e);
            info = api->cmds->get_rsc_info(api, rsc, lrmd_opt_none);
            check(info == NULL, "running-gone-at-once", "%s", info? "still registered" : "gone");
            lrmd_free_rsc_info(info);
            e = call > 0? wait_result(conn, rsc, "start", call, L(15000)) : NULL;
            check(e != NULL && e->rc == PCMK_OCF_OK && e->status == PCMK_EXEC_DONE
                  && e->deleted == 1 && e->at - t0 > 2000, "running-completes",
                  "%s rc=%d status=%d rsc_deleted=%d after %.0f ms", e? "result" : "no result",
                  e? e->rc : -1, e? e->status : -1, e? e->deleted : -1, e? e->at - t0 : 0.0);
            free_ev(e);
            check(file_exists(state), "running-did-its-work", "state file %s",
                  file_exists(state)? "created" : "missing");
        }
        g_free(state);
    }

    /* A start waiting for its start delay: cancelled, rc 0. */
    {
        const char *rsc = "conf-unreg-queued";
        char *state = state_path("unreg-queued");

        if (reg(api, conn, rsc, "ocf", "pacemaker", "Dummy", "register-queued")) {
            call = api->cmds->exec(api, rsc, "start", NULL, 0, 20000, 5000, lrmd_opt_none,
                                   kv(NULL, "state", state));
            rc = api->cmds->unregister_rsc(api, rsc, lrmd_opt_none);
            check(rc == pcmk_ok, "queued-rc", "unregister rc=%d (expected 0)", rc);
            e = call > 0? wait_result(conn, rsc, "start", call, L(5000)) : NULL;
            check(e != NULL && e->status == PCMK_EXEC_CANCELLED && e->deleted == 1,
                  "queued-cancelled", "%s status=%d rsc_deleted=%d", e? "result" : "no result",
                  e? e->status : -1, e? e->deleted : -1);
            free_ev(e);
            f = (struct filter) { .conn = conn, .type = lrmd_event_unregister, .rsc_id = rsc };
            e = wait_event(&f, L(5000));
            check(e != NULL, "queued-unregister-notify", "%s", e? "sent" : "missing");
            free_ev(e);
            info = api->cmds->get_rsc_info(api, rsc, lrmd_opt_none);
            check(info == NULL, "queued-gone", "%s", info? "still registered" : "gone");
            lrmd_free_rsc_info(info);
        }
        g_free(state);
    }

    /* A recurring monitor between runs: cancelled, rc 0, no more runs. */
    {
        const char *rsc = "conf-unreg-rec";
        char *state = state_path("unreg-rec");

        if (reg(api, conn, rsc, "ocf", "pacemaker", "Dummy", "register-recurring")) {
            run_op(api, conn, "recurring-start", rsc, "start", 20000, kv(NULL, "state", state),
                   PCMK_OCF_OK, PCMK_EXEC_DONE);
            call = api->cmds->exec(api, rsc, "monitor", NULL, 2000, 20000, 0, lrmd_opt_none,
                                   kv(NULL, "state", state));
            expect_rc("recurring-first", wait_result(conn, rsc, "monitor", call, L(6000)), call,
                      PCMK_OCF_OK, PCMK_EXEC_DONE);
            rc = api->cmds->unregister_rsc(api, rsc, lrmd_opt_none);
            check(rc == pcmk_ok, "recurring-rc", "unregister rc=%d (expected 0)", rc);
            f = (struct filter) { .conn = conn, .type = lrmd_event_exec_complete, .rsc_id = rsc,
                                  .op = "monitor", .call_id = call, .match_status = true,
                                  .status = PCMK_EXEC_CANCELLED };
            e = wait_event(&f, L(5000));
            check(e != NULL && e->deleted == 1 && e->rc == PCMK_OCF_OK, "recurring-cancelled",
                  "%s rc=%d rsc_deleted=%d", e? "cancelled notification" : "missing",
                  e? e->rc : -1, e? e->deleted : -1);
            free_ev(e);
            f = (struct filter) { .conn = conn, .type = lrmd_event_unregister, .rsc_id = rsc };
            e = wait_event(&f, L(5000));
            check(e != NULL, "recurring-unregister-notify", "%s", e? "sent" : "missing");
            free_ev(e);
            spin(2500);
            f = (struct filter) { .conn = conn, .type = lrmd_event_exec_complete, .rsc_id = rsc,
                                  .op = "monitor" };
            n = drop_events(&f);
            check(n == 0, "recurring-no-more-runs", "%d results in 2.5 s", n);
        }
        g_free(state);
    }
    n = count_recurring(api, NULL, NULL);
    check(n == 0, "nothing-left", "%d recurring op(s) listed", n);
    close_conn(api);
}

/* ---------------------------------------------------------------- scenario: two-clients */

static void
scenario_two_clients(void)
{
    const char *rsc = "conf-shared1";
    char *state = state_path("shared1");
    lrmd_t *a = open_conn("conf-a", "connect-a");
    lrmd_t *b = a? open_conn("conf-b", "connect-b") : NULL;
    lrmd_t *c;
    struct filter f;
    struct ev *e, *eb;
    int call, n;

    if (a == NULL || b == NULL) {
        close_all();
        g_free(state);
        return;
    }
    f = (struct filter) { .conn = "conf-a", .type = lrmd_event_new_client };
    e = wait_event(&f, L(5000));
    check(e != NULL, "a-told-of-b", "new-client notification %s", e? "received" : "missing");
    free_ev(e);
    check(barrier(b, "conf-b"), "b-poke", "served");
    f = (struct filter) { .conn = "conf-b", .type = lrmd_event_new_client };
    n = count_events(&f);
    check(n == 0, "b-not-told-of-itself", "%d new-client notifications on B", n);

    reg(a, "conf-a", rsc, "ocf", "pacemaker", "Dummy", "register-by-a");
    f = (struct filter) { .conn = "conf-b", .type = lrmd_event_register, .rsc_id = rsc };
    e = wait_event(&f, L(5000));
    check(e != NULL, "register-notify-to-b", "%s", e? "received" : "missing");
    free_ev(e);

    call = a->cmds->exec(a, rsc, "monitor", NULL, 0, 20000, 0, lrmd_opt_none,
                         kv(NULL, "state", state));
    e = call > 0? wait_result("conf-a", rsc, "monitor", call, L(20000)) : NULL;
    eb = call > 0? wait_result("conf-b", rsc, "monitor", call, L(5000)) : NULL;
    check(e != NULL && eb != NULL && e->rc == PCMK_OCF_NOT_RUNNING
          && eb->rc == PCMK_OCF_NOT_RUNNING, "result-to-both", "call %d: A %s, B %s", call,
          e? "got it" : "missed it", eb? "got it" : "missed it");
    free_ev(e);
    free_ev(eb);

    f = (struct filter) { .conn = "conf-b", .type = lrmd_event_poke };
    drop_events(&f);
    check(barrier(a, "conf-a"), "a-poke", "served");
    e = wait_event(&f, L(5000));
    check(e != NULL, "poke-notified-to-b", "A's poke %s B", e? "reached" : "did not reach");
    free_ev(e);

    c = open_conn("conf-c", "connect-c");
    if (c != NULL) {
        struct filter fa = { .conn = "conf-a", .type = lrmd_event_new_client };
        struct filter fb = { .conn = "conf-b", .type = lrmd_event_new_client };
        struct ev *na = wait_event(&fa, L(5000));
        struct ev *nb = wait_event(&fb, L(5000));

        check(na != NULL && nb != NULL, "third-client-both-told", "A %s, B %s",
              na? "told" : "not told", nb? "told" : "not told");
        free_ev(na);
        free_ev(nb);
        close_conn(c);
    }
    check(barrier(a, "conf-a"), "a-served-after-c-left", "served");

    a->cmds->unregister_rsc(a, rsc, lrmd_opt_none);
    f = (struct filter) { .conn = "conf-b", .type = lrmd_event_unregister, .rsc_id = rsc };
    e = wait_event(&f, L(5000));
    check(e != NULL, "unregister-notify-to-b", "%s", e? "received" : "missing");
    free_ev(e);
    close_conn(b);
    check(barrier(a, "conf-a"), "a-served-after-b-left", "served");
    close_conn(a);
    g_free(state);
}

/* ---------------------------------------------------------------- scenario: orig-only */

static void
scenario_orig_only(void)
{
    const char *rsc = "conf-orig1";
    char *state = state_path("orig1");
    lrmd_t *a = open_conn("conf-oa", "connect-a");
    lrmd_t *b = a? open_conn("conf-ob", "connect-b") : NULL;
    struct {
        lrmd_t *from, *other;
        const char *from_name, *other_name, *check_name;
    } sides[2] = {
        { a, b, "conf-oa", "conf-ob", "only-a" },
        { b, a, "conf-ob", "conf-oa", "only-b" },
    };

    if (a == NULL || b == NULL) {
        close_all();
        g_free(state);
        return;
    }
    reg(a, "conf-oa", rsc, "ocf", "pacemaker", "Dummy", "register");
    for (int i = 0; i < 2; i++) {
        struct filter f;
        struct ev *e;
        int call = sides[i].from->cmds->exec(sides[i].from, rsc, "monitor", NULL, 0, 20000, 0,
                                             lrmd_opt_notify_orig_only,
                                             kv(NULL, "state", state));
        int n;

        e = call > 0? wait_result(sides[i].from_name, rsc, "monitor", call, L(20000)) : NULL;
        /* The other side's barrier: its poke notification comes after anything the daemon
         * wrote to it for this result. */
        barrier(sides[i].other, sides[i].other_name);
        f = (struct filter) { .conn = sides[i].other_name, .type = lrmd_event_exec_complete,
                              .rsc_id = rsc, .op = NULL, .call_id = call };
        n = count_events(&f);
        check(e != NULL && e->rc == PCMK_OCF_NOT_RUNNING && n == 0, sides[i].check_name,
              "call %d: requester %s, other client got %d", call,
              e? "got its result" : "got no result", n);
        free_ev(e);
    }
    unreg_quiet(a, "conf-oa", rsc);
    close_conn(b);
    close_conn(a);
    g_free(state);
}

/* ---------------------------------------------------------------- scenario: alert */

static GHashTable *
read_env_file(const char *path, int limit_ms)
{
    double end = now_ms() + limit_ms;
    GHashTable *env;
    gchar *text = NULL;
    gchar **lines;

    while (!file_exists(path)) {
        if (now_ms() > end) {
            return NULL;
        }
        spin(25);
    }
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return NULL;
    }
    env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    lines = g_strsplit(text, "\n", -1);
    for (gchar **l = lines; *l != NULL; l++) {
        char *eq = strchr(*l, '=');

        if (eq != NULL && eq != *l) {
            g_hash_table_insert(env, g_strndup(*l, eq - *l), g_strdup(eq + 1));
        }
    }
    g_strfreev(lines);
    g_free(text);
    return env;
}

static bool
has_ocf_var(GHashTable *env)
{
    GHashTableIter it;
    gpointer k;

    g_hash_table_iter_init(&it, env);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        if (g_str_has_prefix(k, "OCF_")) {
            return true;
        }
    }
    return false;
}

static const char *ALERT_SCRIPT =
    "#!/bin/sh\n"
    "# Alert agent of the lrmd-conformance kit: writes its environment to the recipient file.\n"
    "out=\"$CRM_alert_recipient\"\n"
    "{ echo \"__user=$(id -un)\"; echo \"__args=$#\"; env; } > \"$out.tmp\" \\\n"
    "    && mv \"$out.tmp\" \"$out\"\n";

static void
scenario_alert(void)
{
    const char *conn = "conf-alert";
    char *dir = g_strdup_printf("%s/alert", workdir);
    char *outdir = g_strdup_printf("%s/alert/out", workdir);
    char *agent = g_strdup_printf("%s/alert/alert.sh", workdir);
    char *rcpt1 = g_strdup_printf("%s/env1", outdir);
    char *rcpt2 = g_strdup_printf("%s/env2", outdir);
    char *missing = g_strdup_printf("%s/no-such-alert.sh", dir);
    const char *desc = "member & <ok> \"quoted\" 'single'";
    lrmd_t *api = NULL;
    GHashTable *env = NULL, *env2 = NULL;
    struct filter f;
    int rc, n;

    /* Alerts run as hacluster: the script must be reachable and the output dir writable. */
    if (mkdir(dir, 0755) != 0 || chmod(dir, 0755) != 0 || mkdir(outdir, 0777) != 0
        || chmod(outdir, 0777) != 0
        || !write_file(agent, ALERT_SCRIPT, strlen(ALERT_SCRIPT), 0755)) {
        check(false, "setup", "could not prepare %s: %s", dir, strerror(errno));
        goto done;
    }
    api = open_conn(conn, "connect");
    if (api == NULL) {
        goto done;
    }
#define ALERT_PARAMS(rcpt) \
    kv(kv(kv(kv(kv(kv(kv(kv(NULL, "CRM_alert_kind", "node"), "CRM_alert_version", "2.1.5"), \
        "CRM_alert_node", "remote1"), "CRM_alert_nodeid", "1"), "CRM_alert_desc", desc), \
        "CRM_alert_recipient", (rcpt)), "CRM_alert_timestamp", "2024-01-01 00:00:00.000000"), \
        "my_instance_attr", "value-1")
    rc = api->cmds->exec_alert(api, "conf-alert1", agent, 10000, ALERT_PARAMS(rcpt1));
    check(rc == pcmk_ok, "reply", "rc=%d", rc);
    env = read_env_file(rcpt1, L(10000));
    if (!check(env != NULL, "ran", "%s", env? "the agent wrote its environment"
               : "no output from the alert agent within 10 s")) {
        goto done;
    }
    check(g_strcmp0(g_hash_table_lookup(env, "CRM_alert_desc"), desc) == 0
          && g_strcmp0(g_hash_table_lookup(env, "CRM_alert_node"), "remote1") == 0
          && g_strcmp0(g_hash_table_lookup(env, "CRM_alert_kind"), "node") == 0
          && g_strcmp0(g_hash_table_lookup(env, "CRM_alert_timestamp"),
                       "2024-01-01 00:00:00.000000") == 0,
          "params-verbatim", "CRM_alert_desc=%s",
          str_or(g_hash_table_lookup(env, "CRM_alert_desc"), "(missing)"));
    check(g_strcmp0(g_hash_table_lookup(env, "my_instance_attr"), "value-1") == 0,
          "other-param-verbatim", "my_instance_attr=%s",
          str_or(g_hash_table_lookup(env, "my_instance_attr"), "(missing)"));
    check(g_hash_table_lookup(env, "CRM_alert_node_sequence") != NULL, "node-sequence-added",
          "CRM_alert_node_sequence=%s",
          str_or(g_hash_table_lookup(env, "CRM_alert_node_sequence"), "(missing)"));
    check(g_strcmp0(g_hash_table_lookup(env, "CRM_notify_node_sequence"),
                    g_hash_table_lookup(env, "CRM_alert_node_sequence")) == 0,
          "notify-sequence-added", "CRM_notify_node_sequence=%s",
          str_or(g_hash_table_lookup(env, "CRM_notify_node_sequence"), "(missing)"));
    check(g_strcmp0(g_hash_table_lookup(env, "__user"), "hacluster") == 0, "runs-as-hacluster",
          "user=%s", str_or(g_hash_table_lookup(env, "__user"), "(unknown)"));
    check(g_strcmp0(g_hash_table_lookup(env, "__args"), "0") == 0, "no-arguments", "$#=%s",
          str_or(g_hash_table_lookup(env, "__args"), "(unknown)"));
    check(!has_ocf_var(env), "no-ocf-variables", "%s",
          has_ocf_var(env)? "OCF_* variables present" : "none");

    rc = api->cmds->exec_alert(api, "conf-alert1", agent, 10000, ALERT_PARAMS(rcpt2));
    env2 = rc == pcmk_ok? read_env_file(rcpt2, L(10000)) : NULL;
    {
        const char *s1 = g_hash_table_lookup(env, "CRM_alert_node_sequence");
        const char *s2 = env2? g_hash_table_lookup(env2, "CRM_alert_node_sequence") : NULL;

        check(s1 != NULL && s2 != NULL && atoi(s2) == atoi(s1) + 1, "sequence-advances",
              "%s then %s", str_or(s1, "-"), str_or(s2, "-"));
    }
    rc = api->cmds->exec_alert(api, "conf-alert2", missing, 10000, ALERT_PARAMS(rcpt2));
    check(rc == pcmk_ok, "missing-agent-rc0", "rc=%d (the failure is only logged)", rc);

    spin(300);
    check(barrier(api, conn), "served", "poke after the alerts");
    f = (struct filter) { .conn = conn, .type = lrmd_event_exec_complete };
    n = count_events(&f);
    check(n == 0, "no-notification", "%d exec notifications after alerts", n);
#undef ALERT_PARAMS

done:
    if (env) g_hash_table_destroy(env);
    if (env2) g_hash_table_destroy(env2);
    close_all();
    g_free(dir);
    g_free(outdir);
    g_free(agent);
    g_free(rcpt1);
    g_free(rcpt2);
    g_free(missing);
}

/* ---------------------------------------------------------------- Echo contract agent */

/* The "Echo" contract: start touches $state and prints $echo; stop removes $state; monitor
 * prints pattern($size) and returns 0 when $state exists, else 7; validate-all prints
 * "ocf-exit-reason:$reason" on stderr and exits $rc; anything else exits 3. Written in shell
 * here; test/conformance/fixtures/echo-agent.ts is the same contract in TypeScript. */
static const char *ECHO_AGENT =
    "#!/bin/sh\n"
    "# Echo: test agent of the lrmd-conformance kit, installed for one run.\n"
    "pattern() {\n"
    "    awk -v n=\"$1\" 'BEGIN { for (i = 0; i < n; i++)\n"
    "        printf \"%c\", 32 + (i * 7 + int(i / 1000)) % 95 }'\n"
    "}\n"
    "case \"$1\" in\n"
    "    meta-data)\n"
    "        echo '<?xml version=\"1.0\"?>'\n"
    "        echo '<resource-agent name=\"Echo\" version=\"1.0\"><version>1.1</version>"
    "<shortdesc lang=\"en\">Echo</shortdesc><parameters/><actions>"
    "<action name=\"start\" timeout=\"20s\"/><action name=\"stop\" timeout=\"20s\"/>"
    "<action name=\"monitor\" timeout=\"20s\" interval=\"10s\"/>"
    "<action name=\"validate-all\" timeout=\"20s\"/><action name=\"meta-data\" timeout=\"5s\"/>"
    "</actions></resource-agent>'\n"
    "        exit 0 ;;\n"
    "    start)\n"
    "        touch \"$OCF_RESKEY_state\" || exit 1\n"
    "        if [ -n \"${OCF_RESKEY_echo+set}\" ]; then printf '%s' \"$OCF_RESKEY_echo\"; fi\n"
    "        exit 0 ;;\n"
    "    stop)\n"
    "        rm -f \"$OCF_RESKEY_state\"\n"
    "        exit 0 ;;\n"
    "    monitor)\n"
    "        if [ -n \"$OCF_RESKEY_size\" ]; then pattern \"$OCF_RESKEY_size\"; fi\n"
    "        if [ -f \"$OCF_RESKEY_state\" ]; then exit 0; fi\n"
    "        exit 7 ;;\n"
    "    validate-all)\n"
    "        if [ -n \"$OCF_RESKEY_reason\" ]; then\n"
    "            printf 'ocf-exit-reason:%s\\n' \"$OCF_RESKEY_reason\" >&2\n"
    "        fi\n"
    "        exit \"${OCF_RESKEY_rc:-0}\" ;;\n"
    "    *) exit 3 ;;\n"
    "esac\n";

static bool
install_echo_agent(void)
{
    char *path;
    bool ok;

    if (cfg.agent_provider != NULL) {
        return true;
    }
    installed_agent_dir = g_strdup_printf("%s/pcmk-conformance-%d", cfg.ocf_root, (int) getpid());
    path = g_strdup_printf("%s/Echo", installed_agent_dir);
    ok = g_mkdir_with_parents(installed_agent_dir, 0755) == 0
         && write_file(path, ECHO_AGENT, strlen(ECHO_AGENT), 0755);
    if (ok) {
        cfg.agent_provider = installed_agent_dir + strlen(cfg.ocf_root) + 1;
        cfg.agent_type = "Echo";
    } else {
        fprintf(stderr, "lrmd-conformance: cannot install the Echo agent at %s: %s\n", path,
                strerror(errno));
    }
    g_free(path);
    return ok;
}

/* ---------------------------------------------------------------- scenario: large */

static void
scenario_large(void)
{
    const char *conn = "conf-large";
    const char *rsc = "conf-echo-large";
    char *state = state_path("echo-large");
    char *param = pattern(60 * 1024);
    char *output = pattern(100 * 1024);
    char size[32];
    lrmd_t *api = open_conn(conn, "connect");
    struct ev *e;
    double t0;
    int call;

    note("agent ocf:%s:%s", cfg.agent_provider, cfg.agent_type);
    if (api == NULL
        || !reg(api, conn, rsc, "ocf", cfg.agent_provider, cfg.agent_type, "register")) {
        goto done;
    }
    /* A 60 KB parameter: in the agent's environment and echoed in the result. */
    t0 = now_ms();
    call = api->cmds->exec(api, rsc, "start", NULL, 0, 20000, 0, lrmd_opt_none,
                           kv(kv(kv(NULL, "state", state), "echo", param), "small", "x"));
    e = call > 0? wait_result(conn, rsc, "start", call, L(30000)) : NULL;
    if (check(e != NULL && e->rc == PCMK_OCF_OK && e->status == PCMK_EXEC_DONE, "param-exec",
              "start with a %zu-byte parameter: %s rc=%d status=%d", strlen(param),
              e? "result" : "no result", e? e->rc : -1, e? e->status : -1)) {
        const char *echoed = g_hash_table_lookup(e->params, "echo");

        measure("param-60k-result", e->at - t0, "ms");
        check(g_strcmp0(echoed, param) == 0, "param-echoed", "echoed %zu bytes, %s",
              echoed? strlen(echoed) : 0, g_strcmp0(echoed, param) == 0? "intact" : "differs");
        check(g_strcmp0(g_hash_table_lookup(e->params, "small"), "x") == 0, "param-small-echoed",
              "small=%s", str_or(g_hash_table_lookup(e->params, "small"), "(missing)"));
        check(g_strcmp0(e->output, param) == 0, "param-seen-by-agent",
              "agent printed %zu bytes, %s", e->output? strlen(e->output) : 0,
              g_strcmp0(e->output, param) == 0? "intact" : "differs");
    }
    free_ev(e);

    /* 100 KB of agent output. */
    snprintf(size, sizeof(size), "%zu", strlen(output));
    t0 = now_ms();
    call = api->cmds->exec(api, rsc, "monitor", NULL, 0, 20000, 0, lrmd_opt_none,
                           kv(kv(NULL, "state", state), "size", size));
    e = call > 0? wait_result(conn, rsc, "monitor", call, L(30000)) : NULL;
    if (check(e != NULL && e->rc == PCMK_OCF_OK && e->status == PCMK_EXEC_DONE, "output-exec",
              "%s rc=%d status=%d", e? "result" : "no result", e? e->rc : -1,
              e? e->status : -1)) {
        size_t got = e->output? strlen(e->output) : 0;
        size_t at = 0;

        while (at < got && at < strlen(output) && e->output[at] == output[at]) {
            at++;
        }
        measure("output-100k-result", e->at - t0, "ms");
        check(g_strcmp0(e->output, output) == 0, "output-intact",
              "sent %zu bytes, got %zu, first difference at %zu", strlen(output), got, at);
    }
    free_ev(e);
    run_op(api, conn, "stop", rsc, "stop", 20000, kv(NULL, "state", state), PCMK_OCF_OK,
           PCMK_EXEC_DONE);
    unreg_quiet(api, conn, rsc);
done:
    close_all();
    g_free(state);
    g_free(param);
    g_free(output);
}

/* ---------------------------------------------------------------- scenario: custom-agent */

static void
scenario_custom_agent(void)
{
    const char *conn = "conf-custom";
    const char *rsc = "conf-echo1";
    const char *echo = "hello & <world> \"x\" 'y'";
    const char *reason = "bad & <config> \"x\"";
    char *state = state_path("echo1");
    lrmd_t *api = open_conn(conn, "connect");
    struct ev *e;
    int call;

    note("agent ocf:%s:%s", cfg.agent_provider, cfg.agent_type);
    if (api == NULL
        || !reg(api, conn, rsc, "ocf", cfg.agent_provider, cfg.agent_type, "register")) {
        goto done;
    }
    run_op(api, conn, "probe", rsc, "monitor", 20000, kv(NULL, "state", state),
           PCMK_OCF_NOT_RUNNING, PCMK_EXEC_DONE);

    call = api->cmds->exec(api, rsc, "start", NULL, 0, 20000, 0, lrmd_opt_none,
                           kv(kv(NULL, "state", state), "echo", echo));
    e = call > 0? wait_result(conn, rsc, "start", call, L(30000)) : NULL;
    check(e != NULL && e->rc == PCMK_OCF_OK && e->status == PCMK_EXEC_DONE
          && g_strcmp0(e->output, echo) == 0, "start-output", "rc=%d status=%d output=%s",
          e? e->rc : -1, e? e->status : -1, e? str_or(e->output, "(none)") : "(no result)");
    free_ev(e);
    check(file_exists(state), "start-created-state", "%s", state);
    run_op(api, conn, "monitor", rsc, "monitor", 20000, kv(NULL, "state", state), PCMK_OCF_OK,
           PCMK_EXEC_DONE);

    call = api->cmds->exec(api, rsc, "validate-all", NULL, 0, 20000, 0, lrmd_opt_none,
                           kv(kv(kv(NULL, "state", state), "rc", "6"), "reason", reason));
    e = call > 0? wait_result(conn, rsc, "validate-all", call, L(30000)) : NULL;
    check(e != NULL && e->rc == PCMK_OCF_NOT_CONFIGURED && e->status == PCMK_EXEC_DONE
          && g_strcmp0(e->exit_reason, reason) == 0, "exit-reason",
          "rc=%d status=%d exit_reason=%s", e? e->rc : -1, e? e->status : -1,
          e? str_or(e->exit_reason, "(none)") : "(no result)");
    free_ev(e);

    call = api->cmds->exec(api, rsc, "validate-all", NULL, 0, 20000, 0, lrmd_opt_none,
                           kv(kv(NULL, "state", state), "rc", "42"));
    e = call > 0? wait_result(conn, rsc, "validate-all", call, L(30000)) : NULL;
    check(e != NULL && e->rc == PCMK_OCF_UNKNOWN_ERROR && e->status == PCMK_EXEC_DONE,
          "exit-42-is-error", "rc=%d status=%d (expected rc 1, status 0)", e? e->rc : -1,
          e? e->status : -1);
    free_ev(e);

    run_op(api, conn, "stop", rsc, "stop", 20000, kv(NULL, "state", state), PCMK_OCF_OK,
           PCMK_EXEC_DONE);
    check(!file_exists(state), "stop-removed-state", "%s", state);
    run_op(api, conn, "monitor-after-stop", rsc, "monitor", 20000, kv(NULL, "state", state),
           PCMK_OCF_NOT_RUNNING, PCMK_EXEC_DONE);
    unreg_quiet(api, conn, rsc);
done:
    close_all();
    g_free(state);
}

/* ---------------------------------------------------------------- scenario: silent-tcp */

static void
scenario_silent_tcp(void)
{
    const char *conn = "conf-beside-silent";
    int silent = tcp_connect();
    int garbage;
    double t0 = now_ms();
    double dropped_at = -1;
    lrmd_t *api;
    lrmd_rsc_info_t *info;

    if (!check(silent >= 0, "tcp-connect", "raw TCP connection %s",
               silent >= 0? "open, sending nothing" : strerror(errno))) {
        return;
    }
    /* The daemon serves a normal client while the silent peer is connected. */
    api = open_conn(conn, "served-beside-silent-peer");
    if (api != NULL) {
        info = api->cmds->get_rsc_info(api, "conf-no-such-rsc", lrmd_opt_none);
        check(info == NULL && barrier(api, conn), "requests-beside-silent-peer",
              "info and poke answered");
        lrmd_free_rsc_info(info);
    }

    /* A plain-text peer is dropped quickly. */
    garbage = tcp_connect();
    if (garbage >= 0) {
        static const char junk[] = "GET / HTTP/1.0\r\n\r\n";
        double g0 = now_ms();
        bool closed = false;

        if (write(garbage, junk, sizeof(junk) - 1) == (ssize_t) (sizeof(junk) - 1)) {
            while (!closed && now_ms() - g0 < L(5000)) {
                closed = peer_closed(garbage, 50);
                pump();
            }
        }
        check(closed, "plain-text-peer-dropped", "%s after %.0f ms",
              closed? "closed" : "still open", now_ms() - g0);
        measure("plain-text-peer-dropped", now_ms() - g0, "ms");
        close(garbage);
    }

    while (dropped_at < 0 && now_ms() - t0 < cfg.silent_limit_ms) {
        if (peer_closed(silent, 100)) {
            dropped_at = now_ms() - t0;
        }
        pump();
    }
    check(dropped_at >= 0, "silent-peer-dropped", "%s after %.0f ms",
          dropped_at >= 0? "dropped" : "still open",
          dropped_at >= 0? dropped_at : now_ms() - t0);
    if (dropped_at >= 0) {
        measure("silent-peer-dropped", dropped_at, "ms");
    } else {
        note("the silent peer was still connected after %d ms", cfg.silent_limit_ms);
    }
    close(silent);
    if (api != NULL) {
        check(barrier(api, conn), "served-after-silent-peer", "poke answered");
        close_conn(api);
    }
}

/* ---------------------------------------------------------------- scenario table */

struct scenario {
    const char *name;
    void (*run)(void);
    bool needs_echo;
    const char *what;
};

static const struct scenario scenarios[] = {
    { "connect", scenario_connect, false, "TLS + register, poke, info, reconnects" },
    { "bad-key", scenario_bad_key, false, "wrong PSK keys are refused; the daemon still serves" },
    { "register-info", scenario_register_info, false,
      "register / info / re-register / unregister, error replies" },
    { "dummy", scenario_dummy, false, "ocf:pacemaker:Dummy probe/start/monitor/stop with params" },
    { "recurring", scenario_recurring, false, "recurring monitor, duplicate, cancel" },
    { "changes-only", scenario_changes_only, false,
      "notify-changes-only monitor; stop cancels it" },
    { "timeout", scenario_timeout, false, "an action that outlives its timeout" },
    { "not-installed", scenario_not_installed, false, "missing OCF agent, provider, LSB script" },
    { "unregister-in-flight", scenario_unregister_in_flight, false,
      "unregister with a running, a delayed and a recurring action" },
    { "two-clients", scenario_two_clients, false, "notifications with two and three clients" },
    { "orig-only", scenario_orig_only, false, "notify_orig_only results reach the requester only" },
    { "alert", scenario_alert, false, "lrmd_alert_exec: environment, user, sequence" },
    { "large", scenario_large, true, "100 KB agent output, 60 KB parameter (Echo agent)" },
    { "custom-agent", scenario_custom_agent, true, "the Echo contract agent's actions" },
    { "silent-tcp", scenario_silent_tcp, false,
      "a TCP peer that never starts TLS, a plain-text peer" },
};

static const struct scenario *
find_scenario(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(scenarios); i++) {
        if (strcmp(scenarios[i].name, name) == 0) {
            return &scenarios[i];
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- setup and cleanup */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove(path);
}

static void
cleanup(void)
{
    if (installed_agent_dir != NULL) {
        nftw(installed_agent_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        g_free(installed_agent_dir);
        installed_agent_dir = NULL;
    }
    if (workdir != NULL) {
        if (!cfg.keep) {
            nftw(workdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        } else {
            fprintf(stderr, "lrmd-conformance: kept %s\n", workdir);
        }
        g_free(workdir);
        workdir = NULL;
    }
}

static void
on_signal(int sig)
{
    cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
usage(FILE *out, const char *argv0)
{
    fprintf(out,
            "usage: %s [-H host] [-p port] [-k keyfile] [-a provider:type] [-O ocf-root]\n"
            "          [-w base-dir] [-s scale] [-S silent-limit-ms] [-j] [-K] [-l] [-v]\n"
            "          [scenario[,scenario...] ...]   (default: all)\n", argv0);
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "probe-connect", no_argument, NULL, 'P' },
        { "json", no_argument, NULL, 'j' },
        { "list", no_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *env;
    GPtrArray *selected = g_ptr_array_new();
    bool probe = false;
    bool need_echo = false;
    double t_all;
    int opt;

    cfg.host = "127.0.0.1";
    cfg.port = 3121;
    cfg.ocf_root = "/usr/lib/ocf/resource.d";
    cfg.base_dir = "/tmp";
    cfg.scale = 1.0;
    cfg.silent_limit_ms = 15000;
    if ((env = getenv("PCMK_remote_port")) != NULL && env[0] != '\0') {
        cfg.port = atoi(env);
    }
    while ((opt = getopt_long(argc, argv, "H:p:k:a:O:w:s:S:jKlvh", longopts, NULL)) != -1) {
        switch (opt) {
            case 'H': cfg.host = optarg; break;
            case 'p': cfg.port = atoi(optarg); break;
            case 'k': cfg.key_file = optarg; break;
            case 'a': {
                char *colon = strchr(optarg, ':');

                if (colon == NULL || colon == optarg || colon[1] == '\0') {
                    usage(stderr, argv[0]);
                    return 2;
                }
                *colon = '\0';
                cfg.agent_provider = optarg;
                cfg.agent_type = colon + 1;
                break;
            }
            case 'O': cfg.ocf_root = optarg; break;
            case 'w': cfg.base_dir = optarg; break;
            case 's': cfg.scale = atof(optarg); break;
            case 'S': cfg.silent_limit_ms = atoi(optarg); break;
            case 'j': cfg.json = true; break;
            case 'K': cfg.keep = true; break;
            case 'v': cfg.verbosity++; break;
            case 'P': probe = true; break;
            case 'l':
                for (size_t i = 0; i < G_N_ELEMENTS(scenarios); i++) {
                    printf("%-22s %s\n", scenarios[i].name, scenarios[i].what);
                }
                return 0;
            case 'h':
                usage(stdout, argv[0]);
                return 0;
            default:
                usage(stderr, argv[0]);
                return 2;
        }
    }
    if (cfg.port <= 0 || cfg.port > 65535 || cfg.scale <= 0) {
        usage(stderr, argv[0]);
        return 2;
    }
    if (cfg.key_file != NULL) {
        /* liblrmd reads the key location from here. */
        setenv("PCMK_authkey_location", cfg.key_file, 1);
    }
    if (cfg.verbosity == 0) {
        setenv("PCMK_logfacility", "none", 0);
    }
    crm_log_init("lrmd-conformance", probe? LOG_CRIT : LOG_WARNING, FALSE, cfg.verbosity > 0,
                 argc, argv, TRUE);
    for (int i = 1; i < cfg.verbosity; i++) {
        crm_bump_log_level(argc, argv);
    }
    if (probe) {
        return probe_connect();
    }

    for (int i = optind; i < argc; i++) {
        gchar **names = g_strsplit(argv[i], ",", -1);

        for (gchar **n = names; *n != NULL; n++) {
            const struct scenario *s;

            if (**n == '\0') {
                continue;
            }
            if (strcmp(*n, "all") == 0) {
                for (size_t k = 0; k < G_N_ELEMENTS(scenarios); k++) {
                    g_ptr_array_add(selected, (gpointer) &scenarios[k]);
                }
                continue;
            }
            s = find_scenario(*n);
            if (s == NULL) {
                fprintf(stderr, "lrmd-conformance: unknown scenario '%s' (-l lists them)\n", *n);
                return 2;
            }
            g_ptr_array_add(selected, (gpointer) s);
        }
        g_strfreev(names);
    }
    if (selected->len == 0) {
        for (size_t k = 0; k < G_N_ELEMENTS(scenarios); k++) {
            g_ptr_array_add(selected, (gpointer) &scenarios[k]);
        }
    }

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    atexit(cleanup);
    workdir = g_strdup_printf("%s/lrmd-conformance-XXXXXX", cfg.base_dir);
    if (g_mkdtemp_full(workdir, 0755) == NULL || chmod(workdir, 0755) != 0) {
        fprintf(stderr, "lrmd-conformance: cannot create a work directory under %s: %s\n",
                cfg.base_dir, strerror(errno));
        g_free(workdir);
        workdir = NULL;
        return 2;
    }
    for (guint i = 0; i < selected->len; i++) {
        need_echo = need_echo || ((const struct scenario *) selected->pdata[i])->needs_echo;
    }
    if (need_echo && !install_echo_agent()) {
        return 2;
    }

    note("executor %s:%d, key %s, %u scenario(s), work dir %s", cfg.host, cfg.port,
         key_location(), selected->len, workdir);
    t_all = now_ms();
    for (guint i = 0; i < selected->len; i++) {
        const struct scenario *s = selected->pdata[i];
        double t0 = now_ms();

        cur_scenario = s->name;
        sc_checks = 0;
        sc_failed = 0;
        g_queue_clear_full(&events, (GDestroyNotify) free_ev);
        s->run();
        close_all();
        if (cfg.json) {
            printf("{\"type\":\"scenario\",\"scenario\":");
            json_string(stdout, s->name);
            printf(",\"checks\":%d,\"failed\":%d,\"ms\":%.0f}\n", sc_checks, sc_failed,
                   now_ms() - t0);
        } else {
            printf("# scenario %s: %d check(s), %d failed, %.0f ms\n", s->name, sc_checks,
                   sc_failed, now_ms() - t0);
        }
    }
    g_queue_clear_full(&events, (GDestroyNotify) free_ev);
    if (cfg.json) {
        printf("{\"type\":\"summary\",\"checks\":%d,\"failed\":%d,\"ms\":%.0f}\n", n_checks,
               n_failed, now_ms() - t_all);
    } else {
        printf("1..%d\n# %d check(s), %d failed, %.0f ms\n", n_checks, n_checks, n_failed,
               now_ms() - t_all);
    }
    g_ptr_array_free(selected, TRUE);
    cleanup();
    return n_failed == 0? 0 : 1;
}
