/*
 * lrmd-client: drives a Pacemaker Remote executor through Pacemaker's own client library
 * (liblrmd) over TLS, prints every reply, event and IPC-proxy message it sees, and checks the
 * outcomes it can predict. Written for wire captures (tools/capture/capture.sh) and reusable
 * against any daemon that speaks the protocol.
 *
 * Usage: lrmd-client [options] [scenario]
 *   -H host      server address        (env LRMD_CLIENT_HOST, default 127.0.0.1)
 *   -p port      server port           (env PCMK_remote_port, default 3121)
 *   -k file      PSK key file          (sets PCMK_authkey_location, which liblrmd reads)
 *   -a prov:type OCF agent             (default pacemaker:Dummy)
 *   -A path      alert agent path      (default /bin/true)
 *   -S dir       keep the Dummy agents' state files in dir (passed as the "state" parameter;
 *                env LRMD_CLIENT_STATE_DIR; default: the agent's own default under /run)
 *   -T pid       at the end, send SIGTERM to this daemon pid while an IPC provider is
 *                connected, and expect the shutdown request (proxy scenarios only)
 *   -v           more liblrmd logging on stderr (repeatable)
 * Scenarios: full (default: executor + proxy + utf8), executor, proxy, utf8, smoke.
 * Exit status: 0 when every checked step behaved as expected, 1 otherwise, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <libxml/tree.h>

#include <crm/crm.h>
#include <crm/lrmd.h>
#include <crm/services.h>
#include <crm/common/ipc.h>
#include <crm/common/results.h>
#include <crm/common/xml.h>

/* Exported by liblrmd 2.1.5 but declared only in its internal headers. They are how the cluster
 * controller becomes an IPC provider and sends lrmd_check; declared here with the signatures
 * liblrmd 2.1.5 exports. */
void lrmd_internal_set_proxy_callback(lrmd_t *lrmd, void *userdata,
                                      void (*callback)(lrmd_t *lrmd, void *userdata,
                                                       xmlNode *msg));
int lrmd_internal_proxy_send(lrmd_t *lrmd, xmlNode *msg);
int lrmd__validate_remote_settings(lrmd_t *lrmd, GHashTable *hash);

#define RSC_ID      "capture-rsc"
#define MISSING_ID  "capture-missing"

struct config {
    const char *host;
    int port;
    const char *provider;
    const char *type;
    const char *alert_path;
    const char *state_dir;
    pid_t shutdown_pid;
};

/* One received executor event, kept until a step consumes it. */
struct seen_event {
    char *conn;
    enum lrmd_callback_event type;
    char *rsc_id;
    char *op;
    guint interval_ms;
    int call_id;
    int rc;
    int status;
    int deleted;
    int connection_rc;
    char *exit_reason;
};

/* One received IPC-proxy message (provider side). */
struct seen_proxy {
    char *conn;
    char *op;
    char *session;
    char *server;
    int msg_id;
};

static struct config cfg;
static GQueue events = G_QUEUE_INIT;
static GQueue proxies = G_QUEUE_INIT;
static int failures = 0;
static int alert_seq = 0;

/* ---------------------------------------------------------------- output */

static void
print_escaped(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("(null)", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        switch (*p) {
            case '\n': fputs("\\n", out); break;
            case '\r': fputs("\\r", out); break;
            case '\t': fputs("\\t", out); break;
            case '"':  fputs("\\\"", out); break;
            case '\\': fputs("\\\\", out); break;
            default:
                if (*p < 0x20) {
                    fprintf(out, "\\x%02x", *p);
                } else {
                    fputc(*p, out);
                }
        }
    }
    fputc('"', out);
}

static void
step(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;

    printf("STEP %s %s: ", ok? "ok  " : "FAIL", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
    if (!ok) {
        failures++;
    }
}

static void
note(const char *fmt, ...)
{
    va_list ap;

    printf("NOTE ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* ---------------------------------------------------------------- events */

static void
print_param(gpointer key, gpointer value, gpointer user_data)
{
    (void) user_data;
    printf(" %s=", (const char *) key);
    print_escaped(stdout, value);
}

static void
on_event(lrmd_event_data_t *e)
{
    struct seen_event *s = g_new0(struct seen_event, 1);

    s->conn = g_strdup(e->remote_nodename);
    s->type = e->type;
    s->rsc_id = g_strdup(e->rsc_id);
    s->op = g_strdup(e->op_type);
    s->interval_ms = e->interval_ms;
    s->call_id = e->call_id;
    s->rc = e->rc;
    s->status = e->op_status;
    s->deleted = e->rsc_deleted;
    s->connection_rc = e->connection_rc;
    s->exit_reason = g_strdup(e->exit_reason);
    g_queue_push_tail(&events, s);

    printf("EVENT conn=%s type=%s", e->remote_nodename? e->remote_nodename : "?",
           lrmd_event_type2str(e->type));
    if (e->type == lrmd_event_exec_complete) {
        printf(" rsc=%s op=%s interval=%u call_id=%d rc=%d status=%d(%s) deleted=%d"
               " timeout=%d start_delay=%d t_run=%u t_rcchange=%u exec_time=%u queue_time=%u"
               " user_data=",
               e->rsc_id, e->op_type, e->interval_ms, e->call_id, e->rc, e->op_status,
               pcmk_exec_status_str(e->op_status), e->rsc_deleted, e->timeout,
               e->start_delay, e->t_run, e->t_rcchange, e->exec_time, e->queue_time);
        print_escaped(stdout, e->user_data);
        printf(" exit_reason=");
        print_escaped(stdout, e->exit_reason);
        printf(" output=");
        print_escaped(stdout, e->output);
        if (e->params != NULL) {
            printf(" params:");
            g_hash_table_foreach((GHashTable *) e->params, print_param, NULL);
        }
    } else {
        printf(" rsc=%s call_id=%d connection_rc=%d", e->rsc_id? e->rsc_id : "-", e->call_id,
               e->connection_rc);
    }
    putchar('\n');
    fflush(stdout);
}

static void
free_seen_event(struct seen_event *s)
{
    g_free(s->conn);
    g_free(s->rsc_id);
    g_free(s->op);
    g_free(s->exit_reason);
    g_free(s);
}

static void
free_seen_proxy(struct seen_proxy *s)
{
    g_free(s->conn);
    g_free(s->op);
    g_free(s->session);
    g_free(s->server);
    g_free(s);
}

/* ---------------------------------------------------------------- main-loop waiting */

static gboolean
on_deadline(gpointer data)
{
    *(bool *) data = true;
    return G_SOURCE_REMOVE;
}

struct event_filter {
    const char *conn;
    enum lrmd_callback_event type;
    const char *rsc_id;   /* NULL: any */
    const char *op;       /* NULL: any */
    int call_id;          /* 0: any */
};

static struct seen_event *
take_event(const struct event_filter *f)
{
    for (GList *it = events.head; it != NULL; it = it->next) {
        struct seen_event *s = it->data;

        if ((s->type == f->type)
            && (f->conn == NULL || g_strcmp0(s->conn, f->conn) == 0)
            && (f->rsc_id == NULL || g_strcmp0(s->rsc_id, f->rsc_id) == 0)
            && (f->op == NULL || g_strcmp0(s->op, f->op) == 0)
            && (f->call_id == 0 || s->call_id == f->call_id)) {
            g_queue_delete_link(&events, it);
            return s;
        }
    }
    return NULL;
}

static struct seen_proxy *
take_proxy(const char *conn, const char *op, const char *session)
{
    for (GList *it = proxies.head; it != NULL; it = it->next) {
        struct seen_proxy *s = it->data;

        if (g_strcmp0(s->conn, conn) == 0 && g_ascii_strcasecmp(s->op, op) == 0
            && (session == NULL || g_strcmp0(s->session, session) == 0)) {
            g_queue_delete_link(&proxies, it);
            return s;
        }
    }
    return NULL;
}

/* Run the main loop until the filter matches an event or timeout_ms passes. */
static struct seen_event *
wait_event(const struct event_filter *f, int timeout_ms)
{
    bool expired = false;
    guint timer;
    struct seen_event *s = take_event(f);

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

static struct seen_proxy *
wait_proxy(const char *conn, const char *op, const char *session, int timeout_ms)
{
    bool expired = false;
    guint timer;
    struct seen_proxy *s = take_proxy(conn, op, session);

    if (s != NULL) {
        return s;
    }
    timer = g_timeout_add(timeout_ms, on_deadline, &expired);
    while (!expired && (s = take_proxy(conn, op, session)) == NULL) {
        g_main_context_iteration(NULL, TRUE);
    }
    if (!expired) {
        g_source_remove(timer);
    }
    return s;
}

/* Run the main loop for ms milliseconds (events are recorded meanwhile). */
static void
spin(int ms)
{
    bool expired = false;

    g_timeout_add(ms, on_deadline, &expired);
    while (!expired) {
        g_main_context_iteration(NULL, TRUE);
    }
}

/* Count (and drop) queued events that match. */
static int
drain_events(const struct event_filter *f)
{
    int n = 0;
    struct seen_event *s;

    while ((s = take_event(f)) != NULL) {
        free_seen_event(s);
        n++;
    }
    return n;
}

/* Wait for the result of one exec and check rc and status. */
static bool
expect_result(const char *name, const char *conn, const char *rsc, const char *op, int call_id,
              int rc, int status, int timeout_ms)
{
    struct event_filter f = { conn, lrmd_event_exec_complete, rsc, op, call_id };
    struct seen_event *s = wait_event(&f, timeout_ms);
    bool ok;

    if (s == NULL) {
        step(false, name, "no result for call %d within %d ms", call_id, timeout_ms);
        return false;
    }
    ok = (s->rc == rc && s->status == status);
    step(ok, name, "call %d rc=%d status=%d (expected rc=%d status=%d)%s%s", call_id, s->rc,
         s->status, rc, status, s->exit_reason? " exit_reason=" : "",
         s->exit_reason? s->exit_reason : "");
    free_seen_event(s);
    return ok;
}

/* ---------------------------------------------------------------- connections */

static lrmd_t *
open_connection(const char *nodename, bool ipc_provider,
                void (*proxy_cb)(lrmd_t *, void *, xmlNode *))
{
    lrmd_t *lrmd = lrmd_remote_api_new(nodename, cfg.host, cfg.port);
    int rc;

    if (lrmd == NULL) {
        step(false, "connect", "%s: lrmd_remote_api_new failed", nodename);
        return NULL;
    }
    lrmd->cmds->set_callback(lrmd, on_event);
    if (ipc_provider) {
        /* With a proxy callback set, liblrmd announces lrmd_is_ipc_provider="true". */
        lrmd_internal_set_proxy_callback(lrmd, (void *) nodename, proxy_cb);
    }
    rc = lrmd->cmds->connect(lrmd, nodename, NULL);
    step(rc == pcmk_ok, "connect", "%s to %s:%d%s: rc=%d (%s)", nodename, cfg.host, cfg.port,
         ipc_provider? " as IPC provider" : "", rc, pcmk_strerror(rc));
    if (rc != pcmk_ok) {
        lrmd_api_delete(lrmd);
        return NULL;
    }
    return lrmd;
}

static void
close_connection(lrmd_t *lrmd, const char *nodename)
{
    if (lrmd == NULL) {
        return;
    }
    if (lrmd->cmds->is_connected(lrmd)) {
        lrmd->cmds->disconnect(lrmd);
        note("%s disconnected", nodename);
    }
    lrmd_api_delete(lrmd);
}

/* The Dummy agent's "state" parameter, when a state directory was given. */
static lrmd_key_value_t *
add_state(lrmd_key_value_t *p, const char *rsc)
{
    char *path;

    if (cfg.state_dir == NULL) {
        return p;
    }
    path = g_strdup_printf("%s/%s.state", cfg.state_dir, rsc);
    p = lrmd_key_value_add(p, "state", path);
    g_free(path);
    return p;
}

static lrmd_key_value_t *
base_params(void)
{
    lrmd_key_value_t *p = add_state(NULL, RSC_ID);

    p = lrmd_key_value_add(p, "crm_feature_set", "3.16.2");
    p = lrmd_key_value_add(p, "CRM_meta_timeout", "20000");
    /* A name starting with a digit cannot be an XML attribute name. */
    p = lrmd_key_value_add(p, "1st_param", "first");
    /* Newline, tab and the XML specials in a value. */
    p = lrmd_key_value_add(p, "fake", "line one\nline two\t& <tag> \"quoted\" 'single'");
    return p;
}

/* ---------------------------------------------------------------- executor scenario */

static void
scenario_executor(void)
{
    const char *conn = "capture-main";
    lrmd_t *lrmd = open_connection(conn, false, NULL);
    lrmd_rsc_info_t *info;
    struct seen_event *ev;
    struct event_filter f;
    GList *ops = NULL;
    int rc, call, call2;

    if (lrmd == NULL) {
        return;
    }

    /* Resource info of an id the daemon does not know. */
    info = lrmd->cmds->get_rsc_info(lrmd, RSC_ID, 0);
    step(info == NULL, "rsc_info-unknown", "%s: %s", RSC_ID, info? "found" : "not registered");
    lrmd_free_rsc_info(info);

    /* Register; the generic register notify follows the reply. */
    rc = lrmd->cmds->register_rsc(lrmd, RSC_ID, "ocf", cfg.provider, cfg.type,
                                  lrmd_opt_drop_recurring);
    step(rc == pcmk_ok, "register_rsc", "%s ocf:%s:%s rc=%d", RSC_ID, cfg.provider, cfg.type, rc);
    f = (struct event_filter) { conn, lrmd_event_register, RSC_ID, NULL, 0 };
    ev = wait_event(&f, 5000);
    step(ev != NULL, "register-notify", "%s", ev? "received" : "missing");
    if (ev) free_seen_event(ev);

    info = lrmd->cmds->get_rsc_info(lrmd, RSC_ID, 0);
    step(info != NULL && g_strcmp0(info->type, cfg.type) == 0, "rsc_info-known",
         "id=%s class=%s provider=%s type=%s", info? info->id : "-", info? info->standard : "-",
         info? info->provider : "-", info? info->type : "-");
    lrmd_free_rsc_info(info);

    /* Probe before start: not running. */
    call = lrmd->cmds->exec(lrmd, RSC_ID, "monitor", "probe", 0, 20000, 0,
                            lrmd_opt_notify_changes_only, base_params());
    step(call > 0, "exec-probe", "call id %d", call);
    expect_result("probe-result", conn, RSC_ID, "monitor", call, PCMK_OCF_NOT_RUNNING,
                  PCMK_EXEC_DONE, 10000);

    /* Start. */
    call = lrmd->cmds->exec(lrmd, RSC_ID, "start", "start", 0, 20000, 0,
                            lrmd_opt_notify_changes_only, base_params());
    step(call > 0, "exec-start", "call id %d", call);
    expect_result("start-result", conn, RSC_ID, "start", call, PCMK_OCF_OK, PCMK_EXEC_DONE, 10000);

    /* Recurring monitor, every result notified: wait for two of them. */
    call = lrmd->cmds->exec(lrmd, RSC_ID, "monitor", "recurring", 2000, 20000, 0,
                            lrmd_opt_none, base_params());
    step(call > 0, "exec-recurring", "monitor interval 2000, call id %d", call);
    expect_result("recurring-result-1", conn, RSC_ID, "monitor", call, PCMK_OCF_OK,
                  PCMK_EXEC_DONE, 10000);
    expect_result("recurring-result-2", conn, RSC_ID, "monitor", call, PCMK_OCF_OK,
                  PCMK_EXEC_DONE, 10000);

    /* Recurring operations known to the daemon: for one resource, then for all. */
    rc = lrmd->cmds->get_recurring_ops(lrmd, RSC_ID, 5000, 0, &ops);
    step(rc == pcmk_ok && g_list_length(ops) == 1, "get_recurring_ops", "rc=%d count=%u", rc,
         g_list_length(ops));
    for (GList *it = ops; it != NULL; it = it->next) {
        lrmd_op_info_t *op = it->data;

        note("recurring op rsc=%s action=%s interval=%s timeout=%s", op->rsc_id, op->action,
             op->interval_ms_s, op->timeout_ms_s);
    }
    g_list_free_full(ops, (GDestroyNotify) lrmd_free_op_info);
    ops = NULL;
    rc = lrmd->cmds->get_recurring_ops(lrmd, NULL, 5000, 0, &ops);
    step(rc == pcmk_ok, "get_recurring_ops-all", "rc=%d count=%u", rc, g_list_length(ops));
    g_list_free_full(ops, (GDestroyNotify) lrmd_free_op_info);
    ops = NULL;
    rc = lrmd->cmds->get_recurring_ops(lrmd, "no-such-rsc", 5000, 0, &ops);
    step(rc == -ENODEV, "get_recurring_ops-unknown", "rc=%d (expected %d)", rc, -ENODEV);
    g_list_free_full(ops, (GDestroyNotify) lrmd_free_op_info);
    ops = NULL;

    /* Cancel it: a cancelled notify (status 1) arrives. */
    rc = lrmd->cmds->cancel(lrmd, RSC_ID, "monitor", 2000);
    step(rc == pcmk_ok, "cancel", "monitor 2000 rc=%d", rc);
    expect_result("cancel-result", conn, RSC_ID, "monitor", call, PCMK_OCF_OK,
                  PCMK_EXEC_CANCELLED, 5000);
    f = (struct event_filter) { conn, lrmd_event_exec_complete, RSC_ID, "monitor", call };
    drain_events(&f);

    /* Cancel of something that does not exist. */
    rc = lrmd->cmds->cancel(lrmd, RSC_ID, "monitor", 12345);
    step(rc == -EOPNOTSUPP, "cancel-unknown", "rc=%d (expected %d)", rc, -EOPNOTSUPP);

    /* Recurring monitor with notify-on-changes-only: one result, then silence. */
    call2 = lrmd->cmds->exec(lrmd, RSC_ID, "monitor", "changes-only", 1000, 20000, 0,
                             lrmd_opt_notify_changes_only, base_params());
    step(call2 > 0, "exec-recurring-changes-only", "monitor interval 1000, call id %d", call2);
    expect_result("changes-only-first", conn, RSC_ID, "monitor", call2, PCMK_OCF_OK,
                  PCMK_EXEC_DONE, 10000);
    spin(2600);
    f = (struct event_filter) { conn, lrmd_event_exec_complete, RSC_ID, "monitor", call2 };
    rc = drain_events(&f);
    step(rc == 0, "changes-only-silent", "%d further results in 2.6 s (expected 0)", rc);

    /* A request and a result larger than one TLS record (16384 bytes of plaintext). */
    {
        lrmd_key_value_t *p = base_params();
        char *big = g_strnfill(17000, 'x');

        p = lrmd_key_value_add(p, "large", big);
        g_free(big);
        call = lrmd->cmds->exec(lrmd, RSC_ID, "monitor", "large", 0, 20000, 0, lrmd_opt_none, p);
        step(call > 0, "exec-large", "17000-byte parameter, call id %d", call);
        expect_result("large-result", conn, RSC_ID, "monitor", call, PCMK_OCF_OK,
                      PCMK_EXEC_DONE, 10000);
    }

    /* One-shot monitor with a start delay, result only to this connection. */
    call = lrmd->cmds->exec(lrmd, RSC_ID, "monitor", "delayed", 0, 20000, 1500,
                            lrmd_opt_notify_orig_only, base_params());
    step(call > 0, "exec-start-delay", "start delay 1500, call id %d", call);
    expect_result("start-delay-result", conn, RSC_ID, "monitor", call, PCMK_OCF_OK,
                  PCMK_EXEC_DONE, 10000);

    /* A monitor level that fails with an exit reason on stderr. */
    {
        lrmd_key_value_t *p = base_params();

        p = lrmd_key_value_add(p, "OCF_CHECK_LEVEL", "30");
        call = lrmd->cmds->exec(lrmd, RSC_ID, "monitor", "check-level-30", 0, 20000, 0,
                                lrmd_opt_none, p);
        step(call > 0, "exec-failing-monitor", "call id %d", call);
        expect_result("failing-monitor-result", conn, RSC_ID, "monitor", call,
                      PCMK_OCF_UNKNOWN_ERROR, PCMK_EXEC_DONE, 10000);
    }

    /* An agent that sleeps longer than its timeout. liblrmd 2.1.5 waits for the exec reply only
     * as long as the action timeout and measures that wait with time() in whole seconds, so a
     * 1000 ms timeout fails at random (-62) when a second boundary passes while waiting; 2000 ms
     * is the smallest safe value. */
    {
        lrmd_key_value_t *p = base_params();

        p = lrmd_key_value_add(p, "op_sleep", "5");
        call = lrmd->cmds->exec(lrmd, RSC_ID, "monitor", "sleeper", 0, 2000, 0,
                                lrmd_opt_none, p);
        step(call > 0, "exec-timeout", "op_sleep=5 timeout=2000, call id %d", call);
        expect_result("timeout-result", conn, RSC_ID, "monitor", call, PCMK_OCF_UNKNOWN_ERROR,
                      PCMK_EXEC_TIMEOUT, 10000);
    }

    /* Exec on an id that is not registered. */
    call = lrmd->cmds->exec(lrmd, "no-such-rsc", "monitor", "unknown-rsc", 0, 20000, 0,
                            lrmd_opt_none, NULL);
    step(call == -ENODEV, "exec-unknown-rsc", "rc=%d (expected %d)", call, -ENODEV);

    /* An agent that is not installed: rc 5, status 7. */
    rc = lrmd->cmds->register_rsc(lrmd, MISSING_ID, "ocf", "pacemaker", "NoSuchAgent",
                                  lrmd_opt_none);
    step(rc == pcmk_ok, "register-missing-agent", "rc=%d", rc);
    f = (struct event_filter) { conn, lrmd_event_register, MISSING_ID, NULL, 0 };
    ev = wait_event(&f, 5000);
    if (ev) free_seen_event(ev);
    call = lrmd->cmds->exec(lrmd, MISSING_ID, "start", "missing-agent", 0, 20000, 0,
                            lrmd_opt_none, NULL);
    step(call > 0, "exec-missing-agent", "call id %d", call);
    expect_result("missing-agent-result", conn, MISSING_ID, "start", call,
                  PCMK_OCF_NOT_INSTALLED, PCMK_EXEC_NOT_INSTALLED, 10000);
    rc = lrmd->cmds->unregister_rsc(lrmd, MISSING_ID, 0);
    step(rc == pcmk_ok, "unregister-missing-agent", "rc=%d", rc);
    f = (struct event_filter) { conn, lrmd_event_unregister, MISSING_ID, NULL, 0 };
    ev = wait_event(&f, 5000);
    if (ev) free_seen_event(ev);

    /* Stop cancels the changes-only recurring monitor first (cancelled notify), then stops. */
    call = lrmd->cmds->exec(lrmd, RSC_ID, "stop", "stop", 0, 20000, 0,
                            lrmd_opt_notify_changes_only, base_params());
    step(call > 0, "exec-stop", "call id %d", call);
    expect_result("stop-cancels-recurring", conn, RSC_ID, "monitor", call2, PCMK_OCF_OK,
                  PCMK_EXEC_CANCELLED, 5000);
    expect_result("stop-result", conn, RSC_ID, "stop", call, PCMK_OCF_OK, PCMK_EXEC_DONE, 10000);

    /* Poke: the reply is not awaited; a poke notify comes back. */
    rc = lrmd->cmds->poke_connection(lrmd);
    step(rc == pcmk_ok, "poke", "rc=%d", rc);
    f = (struct event_filter) { conn, lrmd_event_poke, NULL, NULL, 0 };
    ev = wait_event(&f, 5000);
    step(ev != NULL, "poke-notify", "%s", ev? "received" : "missing");
    if (ev) free_seen_event(ev);

    /* Alert agent: accepted at once, no result comes back. */
    {
        lrmd_key_value_t *p = NULL;
        char seq[16];

        snprintf(seq, sizeof(seq), "%d", ++alert_seq);
        p = lrmd_key_value_add(p, "CRM_alert_version", "2.1.5");
        p = lrmd_key_value_add(p, "CRM_alert_recipient", "/tmp/capture-alert.log");
        p = lrmd_key_value_add(p, "CRM_alert_kind", "node");
        p = lrmd_key_value_add(p, "CRM_alert_node", "capture-node");
        p = lrmd_key_value_add(p, "CRM_alert_nodeid", "1");
        p = lrmd_key_value_add(p, "CRM_alert_desc", "member");
        p = lrmd_key_value_add(p, "CRM_alert_timestamp", "12:00:00.000000");
        p = lrmd_key_value_add(p, "CRM_alert_node_sequence", seq);
        rc = lrmd->cmds->exec_alert(lrmd, "capture-alert", cfg.alert_path, 5000, p);
        step(rc == pcmk_ok, "exec_alert", "%s rc=%d", cfg.alert_path, rc);
    }

    /* A recurring monitor left running, then unregister: cancelled with rsc_deleted=1. */
    call = lrmd->cmds->exec(lrmd, RSC_ID, "monitor", "left-running", 3000, 20000, 0,
                            lrmd_opt_notify_changes_only, base_params());
    step(call > 0, "exec-recurring-before-unregister", "call id %d", call);
    expect_result("recurring-not-running", conn, RSC_ID, "monitor", call, PCMK_OCF_NOT_RUNNING,
                  PCMK_EXEC_DONE, 10000);
    rc = lrmd->cmds->unregister_rsc(lrmd, RSC_ID, 0);
    step(rc == pcmk_ok || rc == -EINPROGRESS, "unregister_rsc", "rc=%d", rc);
    expect_result("unregister-cancels-recurring", conn, RSC_ID, "monitor", call,
                  PCMK_OCF_NOT_RUNNING, PCMK_EXEC_CANCELLED, 5000);
    f = (struct event_filter) { conn, lrmd_event_unregister, RSC_ID, NULL, 0 };
    ev = wait_event(&f, 5000);
    step(ev != NULL, "unregister-notify", "%s", ev? "received" : "missing");
    if (ev) free_seen_event(ev);

    info = lrmd->cmds->get_rsc_info(lrmd, RSC_ID, 0);
    step(info == NULL, "rsc_info-after-unregister", "%s", info? "still registered" : "gone");
    lrmd_free_rsc_info(info);

    close_connection(lrmd, conn);
}

/* ---------------------------------------------------------------- IPC proxy scenario */

static xmlNode *
proxy_message(const char *op, const char *session)
{
    xmlNode *msg = create_xml_node(NULL, "lrmd_ipc_proxy");

    crm_xml_add(msg, "lrmd_ipc_op", op);
    crm_xml_add(msg, "lrmd_ipc_session", session);
    return msg;
}

/* The provider side: what the cluster controller does, reduced to canned answers. */
static void
on_proxy(lrmd_t *lrmd, void *userdata, xmlNode *msg)
{
    const char *conn = userdata;
    const char *op = crm_element_value(msg, "lrmd_ipc_op");
    const char *session = crm_element_value(msg, "lrmd_ipc_session");
    const char *server = crm_element_value(msg, "lrmd_ipc_server");
    char *text = dump_xml_unformatted(msg);
    struct seen_proxy *s = g_new0(struct seen_proxy, 1);

    printf("PROXY conn=%s op=%s session=%s xml=", conn, op? op : "-", session? session : "-");
    print_escaped(stdout, text);
    putchar('\n');
    fflush(stdout);
    free(text);

    s->conn = g_strdup(conn);
    s->op = g_strdup(op? op : "");
    s->session = g_strdup(session);
    s->server = g_strdup(server);
    crm_element_value_int(msg, "lrmd_ipc_msg_id", &s->msg_id);
    g_queue_push_tail(&proxies, s);

    if (op == NULL) {
        return;
    }
    if (g_ascii_strcasecmp(op, "new") == 0 && g_strcmp0(server, "stonith-ng") == 0) {
        /* Refuse this one, as a provider does when it cannot reach the server. */
        xmlNode *reply = proxy_message("destroy", session);

        lrmd_internal_proxy_send(lrmd, reply);
        free_xml(reply);

    } else if (g_ascii_strcasecmp(op, "request") == 0) {
        xmlNode *reply = proxy_message("response", session);
        xmlNode *wrap = create_xml_node(reply, "lrmd_ipc_msg");
        xmlNode *inner = create_xml_node(wrap, "cib-reply");
        xmlNode *event;
        xmlNode *event_inner;

        crm_xml_add_int(reply, "lrmd_ipc_msg_id", s->msg_id);
        crm_xml_add(inner, "t", "cib");
        crm_xml_add(inner, "cib_op", "cib_query");
        crm_xml_add(inner, "cib_rc", "0");
        crm_xml_add(inner, "cib_callid", "1");
        lrmd_internal_proxy_send(lrmd, reply);
        free_xml(reply);

        /* And one unsolicited message for the same session. */
        event = proxy_message("event", session);
        wrap = create_xml_node(event, "lrmd_ipc_msg");
        event_inner = create_xml_node(wrap, "notify");
        crm_xml_add(event_inner, "t", "cib_notify");
        crm_xml_add(event_inner, "subt", "cib_diff_notify");
        crm_xml_add(event_inner, "cib_rc", "0");
        lrmd_internal_proxy_send(lrmd, event);
        free_xml(event);

    } else if (g_ascii_strcasecmp(op, "shutdown_req") == 0) {
        xmlNode *ack = create_xml_node(NULL, "lrmd_ipc_proxy");

        crm_xml_add(ack, "lrmd_ipc_op", "shutdown_ack");
        lrmd_internal_proxy_send(lrmd, ack);
        free_xml(ack);
    }
}

/* Child process: a local IPC client of the remote node (what cibadmin would be). */
static int
local_ipc_client(void)
{
    crm_ipc_t *ipc = crm_ipc_new("cib_ro", 0);
    xmlNode *request;
    xmlNode *reply = NULL;
    int rc;
    int status = 0;

    if (ipc == NULL || !crm_ipc_connect(ipc)) {
        printf("LOCAL cib_ro connect failed\n");
        return 1;
    }
    request = create_xml_node(NULL, "cib_command");
    crm_xml_add(request, "t", "cib");
    crm_xml_add(request, "cib_op", "cib_query");
    crm_xml_add(request, "cib_callid", "1");
    crm_xml_add(request, "cib_callopt", "0");
    crm_xml_add(request, "cib_clientname", "lrmd-capture-local");
    rc = crm_ipc_send(ipc, request, crm_ipc_client_response, 5000, &reply);
    free_xml(request);
    if (rc > 0 && reply != NULL) {
        char *text = dump_xml_unformatted(reply);

        printf("LOCAL cib_ro reply (%d bytes): %s\n", rc, text);
        free(text);
        free_xml(reply);
    } else {
        printf("LOCAL cib_ro send failed rc=%d\n", rc);
        status = 1;
    }

    /* The provider also sent one event for this session. */
    for (int i = 0; i < 50; i++) {
        if (crm_ipc_ready(ipc) > 0 && crm_ipc_read(ipc) > 0) {
            printf("LOCAL cib_ro event: %s\n", crm_ipc_buffer(ipc));
            break;
        }
        usleep(100000);
    }
    crm_ipc_close(ipc);
    crm_ipc_destroy(ipc);
    fflush(stdout);

    /* A session the provider refuses: it is closed from the far side. */
    ipc = crm_ipc_new("stonith-ng", 0);
    if (ipc != NULL && crm_ipc_connect(ipc)) {
        for (int i = 0; i < 50 && crm_ipc_connected(ipc); i++) {
            crm_ipc_ready(ipc);
            usleep(100000);
        }
        printf("LOCAL stonith-ng session %s\n",
               crm_ipc_connected(ipc)? "still open" : "closed by the provider");
        crm_ipc_close(ipc);
    } else {
        printf("LOCAL stonith-ng connect refused\n");
    }
    if (ipc != NULL) {
        crm_ipc_destroy(ipc);
    }
    fflush(stdout);
    return status;
}

static void
scenario_proxy(lrmd_t *observer, const char *observer_conn)
{
    const char *conn = "capture-provider";
    lrmd_t *lrmd;
    struct seen_proxy *p;
    struct seen_event *ev;
    char *session = NULL;
    pid_t child;
    int status = 0;

    lrmd = open_connection(conn, true, on_proxy);
    if (lrmd == NULL) {
        return;
    }
    if (observer != NULL) {
        struct event_filter f = { observer_conn, lrmd_event_new_client, NULL, NULL, 0 };

        ev = wait_event(&f, 5000);
        step(ev != NULL, "new_client-notify", "%s on %s", ev? "received" : "missing",
             observer_conn);
        if (ev) free_seen_event(ev);
    }

    /* What the controller sends after it has read its CIB: no watchdog value here. */
    {
        GHashTable *empty = g_hash_table_new(g_str_hash, g_str_equal);
        int rc = lrmd__validate_remote_settings(lrmd, empty);

        step(rc == 0, "lrmd_check", "sent, rc=%d (no reply expected)", rc);
        g_hash_table_destroy(empty);
    }

    fflush(stdout);
    child = fork();
    if (child == 0) {
        _exit(local_ipc_client());
    }
    step(child > 0, "local-ipc-client", "pid %d", (int) child);

    p = wait_proxy(conn, "new", NULL, 5000);
    step(p != NULL && g_strcmp0(p->server, "cib_ro") == 0, "proxy-new", "server=%s",
         p? p->server : "-");
    if (p) {
        session = g_strdup(p->session);
        free_seen_proxy(p);
    }
    p = wait_proxy(conn, "request", session, 5000);
    step(p != NULL, "proxy-request", "msg id %d", p? p->msg_id : -1);
    if (p) free_seen_proxy(p);
    p = wait_proxy(conn, "destroy", session, 10000);
    step(p != NULL, "proxy-destroy-from-daemon", "%s", p? "received" : "missing");
    if (p) free_seen_proxy(p);
    p = wait_proxy(conn, "new", NULL, 5000);
    step(p != NULL && g_strcmp0(p->server, "stonith-ng") == 0, "proxy-new-refused",
         "server=%s", p? p->server : "-");
    if (p) free_seen_proxy(p);

    /* Let the child finish while the main loop keeps serving the connection. */
    for (int i = 0; i < 100; i++) {
        if (waitpid(child, &status, WNOHANG) == child) {
            child = 0;
            break;
        }
        spin(100);
    }
    step(child == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "local-ipc-client-exit",
         "status %d", child == 0? WEXITSTATUS(status) : -1);
    if (child != 0) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    /* The refused session's destroy from the daemon, if any. */
    spin(300);

    /* A message for a session the daemon does not know: it answers destroy. */
    {
        const char *ghost = "00000000-0000-0000-0000-000000000000";
        xmlNode *msg = proxy_message("event", ghost);
        xmlNode *wrap = create_xml_node(msg, "lrmd_ipc_msg");

        create_xml_node(wrap, "notify");
        lrmd_internal_proxy_send(lrmd, msg);
        free_xml(msg);
        p = wait_proxy(conn, "destroy", ghost, 5000);
        step(p != NULL, "proxy-unknown-session", "%s", p? "destroy received" : "no destroy");
        if (p) free_seen_proxy(p);
    }

    if (cfg.shutdown_pid > 0) {
        struct event_filter f = { conn, lrmd_event_disconnect, NULL, NULL, 0 };

        note("sending SIGTERM to daemon pid %d", (int) cfg.shutdown_pid);
        kill(cfg.shutdown_pid, SIGTERM);
        p = wait_proxy(conn, "shutdown_req", NULL, 10000);
        step(p != NULL, "shutdown_req", "%s (shutdown_ack sent)", p? "received" : "missing");
        if (p) free_seen_proxy(p);
        ev = wait_event(&f, 25000);
        step(ev != NULL, "disconnect-after-shutdown", "%s", ev? "disconnected" : "still up");
        if (ev) free_seen_event(ev);
    }
    g_free(session);
    close_connection(lrmd, conn);
}

/* ---------------------------------------------------------------- UTF-8 scenario */

/* A value with non-ASCII text followed by XML specials. 2.1.5's escaper is known to stop
 * escaping after the first non-ASCII character; what happens is reported, not checked. */
static void
scenario_utf8(void)
{
    const char *conn = "capture-utf8";
    const char *rsc = "capture-utf8-rsc";
    lrmd_t *lrmd = open_connection(conn, false, NULL);
    lrmd_key_value_t *p = NULL;
    struct event_filter f = { conn, lrmd_event_exec_complete, rsc, "monitor", 0 };
    struct seen_event *ev;
    int rc, call;

    if (lrmd == NULL) {
        return;
    }
    rc = lrmd->cmds->register_rsc(lrmd, rsc, "ocf", cfg.provider, cfg.type, lrmd_opt_none);
    step(rc == pcmk_ok, "utf8-register", "rc=%d", rc);
    p = add_state(p, rsc);
    p = lrmd_key_value_add(p, "plain", "caf\xc3\xa9");
    call = lrmd->cmds->exec(lrmd, rsc, "monitor", "utf8-plain", 0, 5000, 0, lrmd_opt_none, p);
    step(call > 0, "utf8-exec-plain", "call id %d", call);
    expect_result("utf8-plain-result", conn, rsc, "monitor", call, PCMK_OCF_NOT_RUNNING,
                  PCMK_EXEC_DONE, 10000);

    p = add_state(NULL, rsc);
    p = lrmd_key_value_add(p, "mixed", "caf\xc3\xa9 <b> & \"x\"");
    call = lrmd->cmds->exec(lrmd, rsc, "monitor", "utf8-mixed", 0, 5000, 0, lrmd_opt_none, p);
    note("utf8-exec-mixed: exec returned %d (%s)", call,
         call > 0? "accepted" : pcmk_strerror(call));
    if (call > 0) {
        f.call_id = call;
        ev = wait_event(&f, 4000);
        note("utf8-mixed-result: %s", ev? "received" : "not received (lost, as expected of 2.1.5)");
        if (ev) free_seen_event(ev);
    }
    if (lrmd->cmds->is_connected(lrmd)) {
        rc = lrmd->cmds->unregister_rsc(lrmd, rsc, 0);
        note("utf8-unregister rc=%d", rc);
        spin(300);
    }
    close_connection(lrmd, conn);
}

/* ---------------------------------------------------------------- smoke */

static void
scenario_smoke(void)
{
    const char *conn = "capture-smoke";
    lrmd_t *lrmd = open_connection(conn, false, NULL);
    lrmd_rsc_info_t *info;
    struct event_filter f = { conn, lrmd_event_poke, NULL, NULL, 0 };
    struct seen_event *ev;

    if (lrmd == NULL) {
        return;
    }
    info = lrmd->cmds->get_rsc_info(lrmd, "no-such-rsc", 0);
    step(info == NULL, "rsc_info-unknown", "%s", info? "found" : "not registered");
    lrmd_free_rsc_info(info);
    step(lrmd->cmds->poke_connection(lrmd) == pcmk_ok, "poke", "sent");
    ev = wait_event(&f, 5000);
    step(ev != NULL, "poke-notify", "%s", ev? "received" : "missing");
    if (ev) free_seen_event(ev);
    close_connection(lrmd, conn);
}

/* ---------------------------------------------------------------- main */

static void
usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [-H host] [-p port] [-k keyfile] [-a provider:type] [-A alert-path]\n"
            "          [-S state-dir] [-T daemon-pid] [-v] [full|executor|proxy|utf8|smoke]\n",
            argv0);
}

int
main(int argc, char **argv)
{
    const char *scenario = "full";
    const char *env;
    int verbosity = 0;
    int opt;

    cfg.host = "127.0.0.1";
    cfg.port = 3121;
    cfg.provider = "pacemaker";
    cfg.type = "Dummy";
    cfg.alert_path = "/bin/true";
    if ((env = getenv("LRMD_CLIENT_HOST")) != NULL && env[0] != '\0') {
        cfg.host = env;
    }
    if ((env = getenv("LRMD_CLIENT_STATE_DIR")) != NULL && env[0] != '\0') {
        cfg.state_dir = env;
    }
    if ((env = getenv("PCMK_remote_port")) != NULL && env[0] != '\0') {
        cfg.port = atoi(env);
    }

    while ((opt = getopt(argc, argv, "H:p:k:a:A:S:T:vh")) != -1) {
        switch (opt) {
            case 'H': cfg.host = optarg; break;
            case 'p': cfg.port = atoi(optarg); break;
            case 'k': setenv("PCMK_authkey_location", optarg, 1); break;
            case 'a': {
                char *colon = strchr(optarg, ':');

                if (colon == NULL) {
                    usage(argv[0]);
                    return 2;
                }
                *colon = '\0';
                cfg.provider = optarg;
                cfg.type = colon + 1;
                break;
            }
            case 'A': cfg.alert_path = optarg; break;
            case 'S': cfg.state_dir = optarg; break;
            case 'T': cfg.shutdown_pid = (pid_t) atoi(optarg); break;
            case 'v': verbosity++; break;
            default:
                usage(argv[0]);
                return 2;
        }
    }
    if (optind < argc) {
        scenario = argv[optind];
    }
    if (cfg.port <= 0 || cfg.port > 65535) {
        usage(argv[0]);
        return 2;
    }

    crm_log_init("lrmd-capture-client", LOG_WARNING, FALSE, verbosity > 0, argc, argv, TRUE);
    for (int i = 0; i < verbosity; i++) {
        crm_bump_log_level(argc, argv);
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    note("scenario %s against %s:%d (key %s)", scenario, cfg.host, cfg.port,
         getenv("PCMK_authkey_location")? getenv("PCMK_authkey_location") : "default");

    if (strcmp(scenario, "full") == 0) {
        lrmd_t *observer;

        scenario_executor();
        /* A plain connection stays open while the provider connects, to see new_client. */
        observer = open_connection("capture-observer", false, NULL);
        scenario_utf8();
        if (observer != NULL) {
            struct event_filter f = { "capture-observer", lrmd_event_new_client, NULL, NULL, 0 };

            drain_events(&f);
        }
        scenario_proxy(observer, "capture-observer");
        close_connection(observer, "capture-observer");
    } else if (strcmp(scenario, "executor") == 0) {
        scenario_executor();
    } else if (strcmp(scenario, "proxy") == 0) {
        scenario_proxy(NULL, NULL);
    } else if (strcmp(scenario, "utf8") == 0) {
        scenario_utf8();
    } else if (strcmp(scenario, "smoke") == 0) {
        scenario_smoke();
    } else {
        usage(argv[0]);
        return 2;
    }

    g_queue_clear_full(&events, (GDestroyNotify) free_seen_event);
    g_queue_clear_full(&proxies, (GDestroyNotify) free_seen_proxy);
    printf("RESULT %s: %d failed step(s)\n", scenario, failures);
    return failures == 0? 0 : 1;
}
