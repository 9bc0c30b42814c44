/*
 * objchunk.c - the blocks of objects a large load makes, carved from
 * 2 MiB chunks (orm_internal.h, qr_objchunk).
 *
 * A load of hundreds of thousands of objects spent a fifth of its time
 * in the kernel, which faulted in and cleared the heap one 4 KiB page at
 * a time. A chunk is one 2 MiB-aligned mapping marked for transparent
 * huge pages (Linux): one fault maps it. Blocks are handed out in order
 * and not reused one by one: a chunk is unmapped when its last block is
 * freed and the session no longer allocates from it. Its memory comes
 * zeroed from the kernel, as calloc's. When a session empties itself
 * (qr_session_expunge_all, as a program that expunges what it flushed
 * does) and every block of the chunk it allocates from is freed, the
 * chunk starts again at its beginning: its bytes are handed out again,
 * still in cache, each block cleared as it is given (as calloc does),
 * where a new chunk would cost a mapping, a fault and the kernel's
 * clearing of 2 MiB.
 *
 * The count of live blocks starts at CHUNK_BIG, so that handing out a
 * block needs no atomic operation (the session counts them in `given`);
 * retiring the chunk takes back what was not given, and each free takes
 * one: it reaches 0 once both happened, in whatever thread and order.
 */
#include "orm_internal.h"

#include <stdint.h>
#include <string.h>
#if QR_ORM_HUGE_MAP
#include <sys/mman.h>
#endif

/* AddressSanitizer does not see blocks carved from a chunk: the header
 * of a freed one is marked unaddressable, so that a use of a freed
 * object through the API (which reads it) is reported. */
#if defined(__SANITIZE_ADDRESS__)
#define CHUNK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHUNK_ASAN 1
#endif
#endif
#ifdef CHUNK_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define CHUNK_BYTES ((size_t)2 << 20)
#define CHUNK_BIG ((size_t)1 << 40)
#define CHUNK_ALIGN 16

struct qr_objchunk {
	atomic_size_t live; /* CHUNK_BIG - freed blocks - retired */
	size_t used;        /* bytes handed out, this header included */
	size_t given;       /* blocks handed out */
	size_t dirty;       /* bytes from the start given before a rewind:
			       a block below it is cleared when given */
};

#if QR_ORM_HUGE_MAP
void *qr_orm__huge_map(size_t bytes)
{
	size_t span = QR_ORM_ALIGN_UP(bytes, CHUNK_BYTES);
	char *p = mmap(NULL, span + CHUNK_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *start, *end;

	if (p == MAP_FAILED)
		return NULL;
	/* keep the 2 MiB-aligned middle */
	start = (char *)QR_ORM_ALIGN_UP((uintptr_t)p, CHUNK_BYTES);
	end = start + span;
	if (start > p)
		munmap(p, (size_t)(start - p));
	if (p + span + CHUNK_BYTES > end)
		munmap(end, (size_t)(p + span + CHUNK_BYTES - end));
#if defined(MADV_HUGEPAGE)
	madvise(start, span, MADV_HUGEPAGE);
#endif
	return start;
}

void qr_orm__huge_unmap(void *p, size_t bytes)
{
	if (p)
		munmap(p, QR_ORM_ALIGN_UP(bytes, CHUNK_BYTES));
}
#else
void *qr_orm__huge_map(size_t bytes)
{
	(void)bytes;
	return NULL;
}

void qr_orm__huge_unmap(void *p, size_t bytes)
{
	(void)p;
	(void)bytes;
}
#endif

/* A fresh chunk, or NULL (nothing recorded: the caller mallocs). */
static qr_objchunk *chunk_map(void)
{
	qr_objchunk *c = qr_orm__huge_map(CHUNK_BYTES);

	if (!c)
		return NULL;
	atomic_init(&c->live, CHUNK_BIG);
	c->used = QR_ORM_ALIGN_UP(sizeof(*c), CHUNK_ALIGN);
	c->given = 0;
	c->dirty = 0;
	return c;
}

static void chunk_unmap(qr_objchunk *c)
{
	UNPOISON(c, CHUNK_BYTES); /* the range may be mapped again */
	qr_orm__huge_unmap(c, CHUNK_BYTES);
}

/* Takes n from c's count of live blocks; unmaps c at 0. */
static void chunk_put(qr_objchunk *c, size_t n)
{
	if (atomic_fetch_sub_explicit(&c->live, n, memory_order_acq_rel) == n)
		chunk_unmap(c);
}

void *qr_orm__chunk_alloc(qr_objchunk **cur, size_t n, size_t align)
{
	qr_objchunk *c = *cur;
	size_t at;
	char *p;

	if (align < 8)
		align = 8;
	n = QR_ORM_ALIGN_UP(n, 8);
	if (n > QR_ORM_CHUNK_BLOCK_MAX || align > QR_ORM_PASS_ALIGN)
		return NULL;
	if (!c || CHUNK_BYTES - QR_ORM_ALIGN_UP(c->used, align) < n) {
		qr_objchunk *fresh = chunk_map();
		if (!fresh)
			return NULL;
		qr_orm__chunk_retire(cur);
		*cur = c = fresh;
	}
	at = QR_ORM_ALIGN_UP(c->used, align);
	p = (char *)c + at;
	c->used = at + n;
	c->given++;
	if (at < c->dirty) { /* given before: cleared as calloc would */
		UNPOISON(p, n);
		memset(p, 0, n);
	}
	return p;
}

void qr_orm__chunk_free(void *p)
{
	POISON(p, QR_ORM_HDR_SIZE);
	chunk_put((qr_objchunk *)((uintptr_t)p & ~(uintptr_t)(CHUNK_BYTES - 1)),
		  1);
}

void qr_orm__chunk_rewind(qr_objchunk *c)
{
#ifdef CHUNK_ASAN
	/* Under AddressSanitizer a freed block stays unaddressable: a
	 * stale pointer to an expunged object is reported instead of
	 * landing on the next object made in its place. */
	(void)c;
	return;
#endif
	/* every block given freed: no other thread holds one (the acquire
	 * pairs with the frees' release) */
	if (!c || !c->given ||
	    atomic_load_explicit(&c->live, memory_order_acquire) !=
		    CHUNK_BIG - c->given)
		return;
	atomic_store_explicit(&c->live, CHUNK_BIG, memory_order_relaxed);
	if (c->used > c->dirty)
		c->dirty = c->used;
	c->used = QR_ORM_ALIGN_UP(sizeof(*c), CHUNK_ALIGN);
	c->given = 0;
}

void qr_orm__chunk_retire(qr_objchunk **cur)
{
	qr_objchunk *c = *cur;

	*cur = NULL;
	if (c)
		chunk_put(c, CHUNK_BIG - c->given);
}
