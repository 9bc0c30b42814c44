/*
 * node.h - expression and statement nodes (private to core).
 *
 * Every statement and expression is a qr_node: immutable once built,
 * reference-counted (atomically: trees may be shared between threads once
 * built). Node kinds are declared once in QR_NODE_KINDS and drive the
 * compiler's dispatch.
 */
#ifndef QUARRY_CORE_SQL_NODE_H
#define QUARRY_CORE_SQL_NODE_H

#include "compiled.h"

#include <quarry/statement.h>
#include <quarry/sys/dialect.h>
#include <stdatomic.h>

/* X(ENUM_SUFFIX, lower_name): every node kind. */
#define QR_NODE_KINDS(X) X(TEXT, text)

typedef struct qr_node qr_node;

typedef enum qr_node_kind {
#define QR_NODE_ENUM_(e, n) QR_NODE_##e,
	QR_NODE_KINDS(QR_NODE_ENUM_)
#undef QR_NODE_ENUM_
		QR_NODE_KIND_COUNT
} qr_node_kind;

/* One piece of a textual statement: literal SQL or a named parameter. */
typedef struct qr_text_part {
	bool is_param;
	char *str; /* literal SQL (escapes resolved) or parameter name */
	size_t len;
} qr_text_part;

struct qr_node {
	qr_node_kind kind;
	atomic_int refcount;
	union {
		struct {
			char *sql; /* as given */
			qr_text_part *parts;
			size_t nparts;
		} text;
	} u;
};

/* Allocates a zeroed node of kind with one reference; NULL on OOM. */
qr_node *qr_node__new(qr_node_kind kind);

/* Releases a node's kind-specific contents (called at refcount 0): one
 * qr_node__destroy_<name>() per kind in QR_NODE_KINDS. */
#define QR_NODE_DESTROY_DECL_(e, n) void qr_node__destroy_##n(qr_node *node);
QR_NODE_KINDS(QR_NODE_DESTROY_DECL_)
#undef QR_NODE_DESTROY_DECL_

/* The kind's name ("text", ...). Static. */
const char *qr_node__kind_name(qr_node_kind kind);

/* Compiles any statement node for dialect (no cache): the dispatch. */
int qr_compile__node(qr_compiled **out, const qr_node *node,
		     const qr_dialect *dialect);

/* Compiles a TEXT node for dialect into a new qr_compiled. */
int qr_text__compile(qr_compiled **out, const qr_node *node,
		     const qr_dialect *dialect);

#endif
