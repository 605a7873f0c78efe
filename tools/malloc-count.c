/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LD_PRELOAD library that counts heap calls per thread and, at exit,
 * prints one line per thread that made any:
 *
 *   malloc-count: tid 1234 (rte-worker-1): 0 allocations, 0 frees
 *
 * Threads that made none are printed too when their name matches
 * MALLOC_COUNT_THREADS (a prefix, e.g. "rte-worker"), so a zero is a
 * reading, not a missing line. Used by tools/hotpath-proof.sh to show that
 * a dipc worker lcore never touches the heap.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc's own allocator entry points: the reserved names are the point. */
/* NOLINTBEGIN(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);
/* NOLINTEND(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#define SLOTS 4096

static struct {
	int tid;
	unsigned long allocs;
	unsigned long frees;
} table[SLOTS];

static __thread int my_slot = -1;

/* The slot of the calling thread, found once per thread (one gettid). */
static int
slot(void)
{
	int tid, i, s;

	if (my_slot >= 0)
		return my_slot;
	tid = (int)syscall(SYS_gettid);
	for (i = 0; i < SLOTS; i++) {
		s = (tid + i) % SLOTS;
		if (__atomic_load_n(&table[s].tid, __ATOMIC_ACQUIRE) == tid) {
			my_slot = s;
			return s;
		}
		int zero = 0;
		if (__atomic_compare_exchange_n(&table[s].tid, &zero, tid, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			my_slot = s;
			return s;
		}
	}
	return 0;
}

static void
count_alloc(void)
{
	__atomic_fetch_add(&table[slot()].allocs, 1, __ATOMIC_RELAXED);
}

void *
malloc(size_t n)
{
	count_alloc();
	return __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	count_alloc();
	return __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	count_alloc();
	return __libc_realloc(p, n);
}

void *
memalign(size_t a, size_t n)
{
	count_alloc();
	return __libc_memalign(a, n);
}

void *
aligned_alloc(size_t a, size_t n)
{
	count_alloc();
	return __libc_memalign(a, n);
}

int
posix_memalign(void **out, size_t a, size_t n)
{
	void *p;

	count_alloc();
	p = __libc_memalign(a, n);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	return 0;
}

void
free(void *p)
{
	if (p != NULL)
		__atomic_fetch_add(&table[slot()].frees, 1, __ATOMIC_RELAXED);
	__libc_free(p);
}

static void
thread_name(int tid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(buf, len, "exited");
		return;
	}
	if (fgets(buf, (int)len, f) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

__attribute__((destructor)) static void
report(void)
{
	const char *want = getenv("MALLOC_COUNT_THREADS");
	char name[64];
	struct dirent *e;
	char *end;
	DIR *d;
	long tid;
	int i;

	for (i = 0; i < SLOTS; i++) {
		if (table[i].tid == 0)
			continue;
		thread_name(table[i].tid, name, sizeof(name));
		fprintf(stderr, "malloc-count: tid %d (%s): %lu allocations, %lu frees\n",
			table[i].tid, name, table[i].allocs, table[i].frees);
	}
	if (want == NULL)
		return;
	/* Threads that never called the heap have no slot: report them too. */
	d = opendir("/proc/self/task");
	while (d != NULL && (e = readdir(d)) != NULL) {
		/* Only the numeric entries are threads ("." and ".." are not). */
		tid = strtol(e->d_name, &end, 10);
		if (end == e->d_name || *end != '\0' || tid <= 0 || tid > INT32_MAX)
			continue;
		for (i = 0; i < SLOTS && table[i].tid != tid; i++)
			;
		if (i < SLOTS)
			continue;
		thread_name((int)tid, name, sizeof(name));
		if (strncmp(name, want, strlen(want)) == 0)
			fprintf(stderr, "malloc-count: tid %ld (%s): 0 allocations, 0 frees\n", tid,
				name);
	}
	if (d != NULL)
		closedir(d);
}
