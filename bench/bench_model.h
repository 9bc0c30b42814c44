/*
 * bench_model.h - the suites' customer table as Core metadata and as an
 * ORM mapping (SQLAlchemy's examples/performance Customer model):
 *
 *   class Customer(Base):
 *       __tablename__ = "customer"
 *       id = Column(Integer, Identity(), primary_key=True)
 *       name = Column(String(255))
 *       description = Column(String(255))
 *
 * The table itself is created by bench_table_reset() (bench.h) so that
 * the raw references and quarry use the same DDL.
 */
#ifndef QUARRY_BENCH_MODEL_H
#define QUARRY_BENCH_MODEL_H

#include "bench.h"

typedef struct Customer {
	int64_t id;
	char *name;
	char *description;
} Customer;

QR_MAPPING_DECLARE(Customer);

/* The process's registry with Customer mapped (made on first use, freed
 * at exit); NULL on error (printed). */
qr_registry *bench_registry(void);

/* The customer table of that registry's metadata; NULL on error. */
qr_table *bench_customer_table(void);

/*
 * A session on the context's engine (sessions of one suite share a
 * sessionmaker kept in the context). *out is the caller's
 * (qr_session_free). Prints and returns the error.
 */
int bench_session(qr_session **out, bench_ctx *ctx);

/* A session on another engine of the suite's (for instance one whose
 * results stream). */
int bench_session_on(qr_session **out, qr_engine *engine);

/* Frees the context's sessionmaker (the harness calls it). */
void bench_model_finish(bench_ctx *ctx);

#endif
