/* Parses one file's XML repeatedly for N seconds with libxml2, the way
 * Pacemaker's remote message reader does (xmlReadMemory, XML_PARSE_NOBLANKS),
 * and prints parses per second. Our benchmark's point of comparison. */
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f) return 2;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(len + 1);
    if (fread(buf, 1, len, f) != (size_t)len) return 2;
    buf[len] = 0;
    fclose(f);
    double seconds = atof(argv[2]);
    long n = 0;
    double start = now(), t = start;
    while (t - start < seconds) {
        for (int i = 0; i < 16; i++) {
            xmlDocPtr doc = xmlReadMemory(buf, (int)len, NULL, NULL, XML_PARSE_NOBLANKS);
            if (!doc) return 3;
            xmlFreeDoc(doc);
        }
        n += 16;
        t = now();
    }
    printf("%.1f\n", n / (t - start));
    return 0;
}
