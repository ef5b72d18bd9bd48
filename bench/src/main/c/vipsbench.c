/* In-process libvips benchmark: the reference for "as fast as libvips called as a library" (no process start per image).
 * Copied from ../shared/tools/vipsbench.c with one workload added (thumb800down), for bench/engine-bench.sh.
 * Build (apt-get install libvips-dev): gcc -O2 -o vipsbench vipsbench.c $(pkg-config --cflags --libs vips) -lpthread
 * Usage: VIPS_CONCURRENCY=1 ./vipsbench WORKLOAD THREADS WARMUP ROUNDS OUTDIR FILE...
 * WORKLOAD: thumb800 | gray1600 | png | pngall
 *   thumb800: vips_thumbnail (shrink-on-load) 800x800 box, jpegsave Q=85  (same as vipsthumbnail -s 800x800)
 *   thumb800down: the same, never enlarging (vipsthumbnail -s '800x800>'): small images are decoded and re-encoded
 *   gray1600: vips_thumbnail 1600 box, colourspace B_W, jpegsave Q=85
 *   png     : full decode, pngsave defaults (compression 6, filter none)
 *   pngall  : pngsave compression 6, filter all
 */
#include <vips/vips.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *workload, *outdir;
static char **files;
static int nfiles;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int one(const char *in, int tid) {
    char out[4096];
    const char *base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
    VipsImage *a = NULL, *b = NULL;
    int r = 0;
    if (!strcmp(workload, "thumb800down")) {
        snprintf(out, sizeof out, "%s/%s_t%d.jpg", outdir, base, tid);
        r = vips_thumbnail(in, &a, 800, "height", 800, "size", VIPS_SIZE_DOWN, NULL) ||
            vips_jpegsave(a, out, "Q", 85, NULL);
    } else if (!strcmp(workload, "thumb800")) {
        snprintf(out, sizeof out, "%s/%s_t%d.jpg", outdir, base, tid);
        r = vips_thumbnail(in, &a, 800, "height", 800, NULL) || vips_jpegsave(a, out, "Q", 85, NULL);
    } else if (!strcmp(workload, "gray1600")) {
        snprintf(out, sizeof out, "%s/%s_t%d.jpg", outdir, base, tid);
        r = vips_thumbnail(in, &a, 1600, "height", 1600, NULL) ||
            vips_colourspace(a, &b, VIPS_INTERPRETATION_B_W, NULL) || vips_jpegsave(b, out, "Q", 85, NULL);
    } else {
        snprintf(out, sizeof out, "%s/%s_t%d.png", outdir, base, tid);
        a = vips_image_new_from_file(in, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
        if (!a) r = 1;
        else if (!strcmp(workload, "pngall"))
            r = vips_pngsave(a, out, "filter", VIPS_FOREIGN_PNG_FILTER_ALL, NULL);
        else
            r = vips_pngsave(a, out, NULL);
    }
    if (a) g_object_unref(a);
    if (b) g_object_unref(b);
    if (r) fprintf(stderr, "error %s: %s\n", in, vips_error_buffer());
    return r;
}

typedef struct { int tid; double *ft; } Arg;

static void *worker(void *p) {
    Arg *arg = p;
    for (int i = 0; i < nfiles; i++) {
        double t0 = now();
        one(files[i], arg->tid);
        arg->ft[i] = now() - t0;
    }
    vips_thread_shutdown();
    return NULL;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *v, int n) {
    double *c = malloc(n * sizeof *c);
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp);
    double m = n % 2 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    free(c);
    return m;
}

int main(int argc, char **argv) {
    if (VIPS_INIT(argv[0])) vips_error_exit(NULL);
    vips_cache_set_max(0);           /* no operation cache: every round really decodes */
    workload = argv[1];
    int threads = atoi(argv[2]), warm = atoi(argv[3]), rounds = atoi(argv[4]);
    outdir = argv[5];
    files = argv + 6;
    nfiles = argc - 6;
    double *rt = calloc(rounds, sizeof(double));
    double *pf = calloc((size_t)nfiles * rounds, sizeof(double));
    for (int r = -warm; r < rounds; r++) {
        pthread_t th[16];
        Arg args[16];
        double t0 = now();
        for (int t = 0; t < threads; t++) {
            args[t].tid = t;
            args[t].ft = calloc(nfiles, sizeof(double));
            pthread_create(&th[t], NULL, worker, &args[t]);
        }
        for (int t = 0; t < threads; t++) pthread_join(th[t], NULL);
        double s = now() - t0;
        if (r >= 0) {
            rt[r] = s;
            for (int i = 0; i < nfiles; i++) pf[i * rounds + r] = args[0].ft[i];
        }
        for (int t = 0; t < threads; t++) free(args[t].ft);
    }
    double med = median(rt, rounds);
    int nimg = threads * nfiles;
    int cores = threads < 2 ? threads : 2;
    printf("RESULT libvips=%s workload=%s threads=%d images_per_round=%d median_round_s=%.4f img_per_s=%.3f img_per_s_per_core=%.3f\n",
           vips_version_string(), workload, threads, nimg, med, nimg / med, nimg / med / cores);
    for (int i = 0; i < nfiles; i++)
        printf("FILE %s median_ms=%.1f\n", strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i],
               median(pf + (size_t)i * rounds, rounds) * 1000);
    vips_shutdown();
    return 0;
}
