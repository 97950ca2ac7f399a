/*
 * The start-up guard of RnnGen's NativeAOT binaries (linked in by RnnGen.targets on linux-x64).
 *
 * NativeAOT compiles a program for one x64 instruction set level (IlcInstructionSet). Started on a CPU without it, the
 * .NET runtime aborts with "The required instruction sets are not supported by the current CPU." and a core dump,
 * without saying which ones. This constructor runs before the runtime starts (the C library calls it before main),
 * asks the CPU itself (CPUID, and XGETBV for the register state the operating system saves), and, when something is
 * missing, names it and exits with status 3 before any instruction of the missing sets runs: the guard itself is
 * compiled for the plain x86-64 baseline.
 *
 * Fleet builds: a binary built for x86-64-v3 that finds a sibling "<itself>.x86-64-v4" and a CPU with AVX-512 runs that
 * sibling instead (execv: the same process id, arguments, environment and standard streams), so one folder serves AVX2
 * and AVX-512 machines each at full speed. RNNGEN_NO_DISPATCH=1 keeps the binary itself.
 *
 * RNNGEN_REQUIRED_LEVEL (2, 3 or 4: x86-64-v2, -v3, -v4) is set by RnnGen.targets from IlcInstructionSet.
 */
#include <cpuid.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RNNGEN_REQUIRED_LEVEL
#error "RNNGEN_REQUIRED_LEVEL must be 2, 3 or 4"
#endif

struct feature {
    const char *name;
    int level;      /* the x86-64 level that first requires it */
    unsigned leaf;  /* CPUID leaf (subleaf 0); 0xD0 marks an XCR0 check */
    char reg;       /* 'b', 'c' or 'd' */
    unsigned mask;
};

/* The x86-64 psABI levels, as .NET's IlcInstructionSet names them. */
static const struct feature features[] = {
    { "SSE3", 2, 1, 'c', 1u << 0 },
    { "SSSE3", 2, 1, 'c', 1u << 9 },
    { "CMPXCHG16B", 2, 1, 'c', 1u << 13 },
    { "SSE4.1", 2, 1, 'c', 1u << 19 },
    { "SSE4.2", 2, 1, 'c', 1u << 20 },
    { "POPCNT", 2, 1, 'c', 1u << 23 },
    { "AVX", 3, 1, 'c', 1u << 28 },
    { "FMA", 3, 1, 'c', 1u << 12 },
    { "MOVBE", 3, 1, 'c', 1u << 22 },
    { "F16C", 3, 1, 'c', 1u << 29 },
    { "AVX2", 3, 7, 'b', 1u << 5 },
    { "BMI1", 3, 7, 'b', 1u << 3 },
    { "BMI2", 3, 7, 'b', 1u << 8 },
    { "LZCNT", 3, 0x80000001u, 'c', 1u << 5 },
    { "OS support for AVX state (XCR0)", 3, 0xD0, 'a', 0x6u },
    { "AVX512F", 4, 7, 'b', 1u << 16 },
    { "AVX512BW", 4, 7, 'b', 1u << 30 },
    { "AVX512CD", 4, 7, 'b', 1u << 28 },
    { "AVX512DQ", 4, 7, 'b', 1u << 17 },
    { "AVX512VL", 4, 7, 'b', 1u << 31 },
    { "OS support for AVX-512 state (XCR0)", 4, 0xD0, 'a', 0xE6u },
};

static int has_feature(const struct feature *f)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (f->leaf == 0xD0) {
        /* XGETBV is only defined where the OS enabled it (OSXSAVE). */
        if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) {
            return 0;
        }
        unsigned lo, hi;
        __asm__ volatile ("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        return (lo & f->mask) == f->mask;
    }
    if (!__get_cpuid_count(f->leaf, 0, &a, &b, &c, &d)) {
        return 0;
    }
    unsigned value = f->reg == 'b' ? b : f->reg == 'c' ? c : d;
    return (value & f->mask) == f->mask;
}

/* The features of `level` the CPU lacks, comma-separated into `out`; returns how many. */
static int missing_features(int level, char *out, size_t size)
{
    int count = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
        if (features[i].level <= level && !has_feature(&features[i])) {
            if (count++ > 0) {
                strncat(out, ", ", size - strlen(out) - 1);
            }
            strncat(out, features[i].name, size - strlen(out) - 1);
        }
    }
    return count;
}

static void dispatch_to_wider_build(char **argv)
{
    const char *off = getenv("RNNGEN_NO_DISPATCH");
    char missing[512];
    if (RNNGEN_REQUIRED_LEVEL >= 4 || (off != NULL && strcmp(off, "1") == 0) || missing_features(4, missing, sizeof missing) > 0) {
        return;
    }
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 16);
    if (length <= 0) {
        return;
    }
    self[length] = '\0';
    strcat(self, ".x86-64-v4");
    if (access(self, X_OK) == 0) {
        execv(self, argv);
        /* execv returns only on failure: keep running this build. */
    }
}

__attribute__((constructor))
static void rnngen_cpu_guard(int argc, char **argv, char **envp)
{
    (void)argc;
    (void)envp;
    char missing[512];
    const char *name = argv != NULL && argv[0] != NULL ? argv[0] : "this program";
    if (missing_features(RNNGEN_REQUIRED_LEVEL, missing, sizeof missing) > 0) {
        /* The widest level this CPU does have: what to publish for instead. */
        int fits = RNNGEN_REQUIRED_LEVEL - 1;
        char ignored[512];
        while (fits >= 2 && missing_features(fits, ignored, sizeof ignored) > 0) {
            fits--;
        }
        char level[32];
        snprintf(level, sizeof level, fits >= 2 ? "x86-64-v%d" : "default", fits);
        fprintf(stderr,
            "%s: this NativeAOT binary was built for x86-64-v%d (IlcInstructionSet), but this CPU lacks %s.\n"
            "Publish it for this CPU with -p:RnnGenInstructionSet=%s (see RnnGen's README, NativeAOT).\n",
            name, RNNGEN_REQUIRED_LEVEL, missing, level);
        _exit(3);
    }
    if (argv != NULL) {
        dispatch_to_wider_build(argv);
    }
}
