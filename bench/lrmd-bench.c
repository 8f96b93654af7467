/*
 * lrmd-bench: sequential round trips through Pacemaker's own client library (liblrmd) against a
 * Pacemaker Remote daemon, one clock_gettime() pair per operation. The counterpart of our
 * client in bench/roundtrip-measure.ts.
 *
 * Usage: lrmd-bench host port keyfile poke|info seconds [rsc-id]
 *   poke  lrmd_rsc_poke is fire-and-forget in liblrmd; each operation runs the GLib main loop
 *         (as the cluster controller does) until the poke notification has been delivered.
 *   info  lrmd_rsc_info is synchronous; the resource is registered first (ocf:pacemaker:Dummy).
 * Prints one JSON object: {"elapsedNs":N,"latNs":[...]} (warm-up operations not included).
 * Exit status: 0 on success, 1 on a failed operation, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include <crm/crm.h>
#include <crm/lrmd.h>
#include <crm/common/results.h>

#define WARMUP 2
#define OP_TIMEOUT_MS 10000

static bool poked = false;

static void
on_event(lrmd_event_data_t *e)
{
    if (e->type == lrmd_event_poke) {
        poked = true;
    }
}

static gboolean
on_deadline(gpointer data)
{
    *(bool *) data = true;
    return G_SOURCE_REMOVE;
}

static int64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One poke, then the main loop until its notification arrives. */
static bool
poke_once(lrmd_t *lrmd)
{
    bool expired = false;
    guint timer;

    poked = false;
    if (lrmd->cmds->poke_connection(lrmd) != pcmk_ok) {
        return false;
    }
    timer = g_timeout_add(OP_TIMEOUT_MS, on_deadline, &expired);
    while (!poked && !expired) {
        g_main_context_iteration(NULL, TRUE);
    }
    if (!expired) {
        g_source_remove(timer);
    }
    return poked;
}

static bool
info_once(lrmd_t *lrmd, const char *rsc)
{
    lrmd_rsc_info_t *info = lrmd->cmds->get_rsc_info(lrmd, rsc, 0);
    bool ok = (info != NULL);

    lrmd_free_rsc_info(info);
    return ok;
}

int
main(int argc, char **argv)
{
    const char *host, *mode, *rsc;
    int port, rc;
    double seconds;
    bool is_poke;
    lrmd_t *lrmd;
    int64_t *lat;
    size_t n = 0, cap = 4096;
    int64_t start, limit, elapsed = 0;

    if (argc < 6) {
        fprintf(stderr, "usage: %s host port keyfile poke|info seconds [rsc-id]\n", argv[0]);
        return 2;
    }
    host = argv[1];
    port = atoi(argv[2]);
    setenv("PCMK_authkey_location", argv[3], 1);
    mode = argv[4];
    seconds = atof(argv[5]);
    rsc = (argc > 6)? argv[6] : "bench-rsc";
    is_poke = (strcmp(mode, "poke") == 0);
    if ((!is_poke && strcmp(mode, "info") != 0) || port <= 0 || seconds <= 0) {
        fprintf(stderr, "%s: bad arguments\n", argv[0]);
        return 2;
    }

    crm_log_init("lrmd-bench", LOG_WARNING, FALSE, FALSE, argc, argv, TRUE);
    lrmd = lrmd_remote_api_new("lrmd-bench", host, port);
    lrmd->cmds->set_callback(lrmd, on_event);
    rc = lrmd->cmds->connect(lrmd, "lrmd-bench", NULL);
    if (rc != pcmk_ok) {
        fprintf(stderr, "connect failed: %d (%s)\n", rc, pcmk_strerror(rc));
        lrmd_api_delete(lrmd);
        return 1;
    }
    if (!is_poke) {
        rc = lrmd->cmds->register_rsc(lrmd, rsc, "ocf", "pacemaker", "Dummy", lrmd_opt_none);
        if (rc != pcmk_ok) {
            fprintf(stderr, "register_rsc failed: %d (%s)\n", rc, pcmk_strerror(rc));
            lrmd_api_delete(lrmd);
            return 1;
        }
    }

    for (int i = 0; i < WARMUP; i++) {
        if (!(is_poke? poke_once(lrmd) : info_once(lrmd, rsc))) {
            fprintf(stderr, "%s failed during warm-up\n", mode);
            lrmd_api_delete(lrmd);
            return 1;
        }
    }

    lat = malloc(cap * sizeof(*lat));
    limit = (int64_t) (seconds * 1e9);
    start = now_ns();
    while (elapsed < limit) {
        int64_t t0 = now_ns(), t1;

        if (!(is_poke? poke_once(lrmd) : info_once(lrmd, rsc))) {
            fprintf(stderr, "%s failed after %zu operations\n", mode, n);
            lrmd_api_delete(lrmd);
            return 1;
        }
        t1 = now_ns();
        elapsed = t1 - start;
        if (n == cap) {
            cap *= 2;
            lat = realloc(lat, cap * sizeof(*lat));
        }
        lat[n++] = t1 - t0;
    }

    printf("{\"elapsedNs\":%lld,\"latNs\":[", (long long) elapsed);
    for (size_t i = 0; i < n; i++) {
        printf(i? ",%lld" : "%lld", (long long) lat[i]);
    }
    printf("]}\n");
    free(lat);
    lrmd->cmds->disconnect(lrmd);
    lrmd_api_delete(lrmd);
    return 0;
}
