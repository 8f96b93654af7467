/*
 * Driver for bench/ipc-proxy.bench.ts: signs on to the CIB through libcib
 * (on a remote node that is the daemon's proxied cib_rw endpoint), then
 * sends synchronous whole-CIB queries for SECONDS seconds and at least MIN
 * queries (default 1). Prints one JSON line: queries, elapsed ms, bytes of
 * one reply's CIB. Usage: cib-query-bench SECONDS [MIN]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <crm/crm.h>
#include <crm/cib.h>
#include <crm/common/xml.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    long min = argc > 2 ? atol(argv[2]) : 1;
    cib_t *cib = cib_new();
    int rc = cib->cmds->signon(cib, "cib-query-bench", cib_command);
    if (rc != pcmk_ok) {
        printf("{\"error\":\"signon\",\"rc\":%d}\n", rc);
        return 1;
    }
    long n = 0;
    size_t bytes = 0;
    double t0 = now_ms(), t = t0;
    do {
        xmlNode *out = NULL;
        rc = cib->cmds->query(cib, NULL, &out, cib_sync_call | cib_scope_local);
        if (rc != pcmk_ok) {
            printf("{\"error\":\"query\",\"rc\":%d,\"done\":%ld}\n", rc, n);
            return 1;
        }
        if (n == 0 && out != NULL) {
            char *text = dump_xml_unformatted(out);
            bytes = strlen(text);
            free(text);
        }
        free_xml(out);
        n++;
        t = now_ms();
    } while (t - t0 < seconds * 1000.0 || n < min);
    printf("{\"queries\":%ld,\"ms\":%.1f,\"replyBytes\":%zu}\n", n, t - t0, bytes);
    cib->cmds->signoff(cib);
    cib_delete(cib);
    return 0;
}
