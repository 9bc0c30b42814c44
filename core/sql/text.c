/*
 * text.c - textual SQL statements (SQLAlchemy's text()).
 *
 * Bind parameters are found exactly as SQLAlchemy finds them, with the
 * pattern (?<![:\w\\]):(\w+)(?!:) over the whole text: a colon preceded by
 * neither a colon, a word character nor a backslash, followed by a word,
 * and not followed by another colon. Like SQLAlchemy, quoting is not
 * considered. "\:" is then unescaped to ":". Bytes of 0x80 and above count
 * as word characters (UTF-8 letters).
 */
#include "../mem.h"
#include "../strbuf.h"
#include "compiled.h"
#include "node.h"

#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/* Appends a part; literal parts have "\:" unescaped. */
static int add_part(qr_text_part **parts, size_t *n, size_t *cap, bool is_param,
		    const char *s, size_t len)
{
	if (len == 0 && !is_param)
		return 0;
	int rc = qr_mem__grow((void **)parts, cap, *n + 1, sizeof(**parts),
			      "text() parts");
	if (rc)
		return rc;
	char *copy = qr_mem__alloc(len + 1, "text() part");
	if (!copy)
		return QR_ENOMEM;
	size_t j = 0;
	for (size_t i = 0; i < len; i++) {
		if (!is_param && s[i] == '\\' && i + 1 < len && s[i + 1] == ':')
			continue; /* "\:" is a literal colon */
		copy[j++] = s[i];
	}
	copy[j] = '\0';
	(*parts)[(*n)++] = (qr_text_part){is_param, copy, j};
	return 0;
}

static void free_parts(qr_text_part *parts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(parts[i].str);
	free(parts);
}

/* Splits sql into literal and parameter parts. */
static int parse_text(const char *sql, qr_text_part **out, size_t *nout)
{
	qr_text_part *parts = NULL;
	size_t n = 0, cap = 0, lit = 0, len = strlen(sql);
	int rc = 0;

	for (size_t i = 0; i < len && rc == 0; i++) {
		if (sql[i] != ':')
			continue;
		if (i > 0 && (sql[i - 1] == ':' || sql[i - 1] == '\\' ||
			      is_word((unsigned char)sql[i - 1])))
			continue;
		size_t end = i + 1;
		while (end < len && is_word((unsigned char)sql[end]))
			end++;
		if (end == i + 1)
			continue;
		/* (?!:) backtracks over \w+: a name followed by ':' is
		 * shortened until it is not, as Python's regex does. */
		if (end < len && sql[end] == ':') {
			while (end > i + 1 && end < len && sql[end] == ':')
				end--;
			if (end == i + 1)
				continue;
		}
		rc = add_part(&parts, &n, &cap, false, sql + lit, i - lit);
		if (rc == 0)
			rc = add_part(&parts, &n, &cap, true, sql + i + 1,
				      end - i - 1);
		lit = end;
		i = end - 1;
	}
	if (rc == 0)
		rc = add_part(&parts, &n, &cap, false, sql + lit, len - lit);
	if (rc) {
		free_parts(parts, n);
		return rc;
	}
	*out = parts;
	*nout = n;
	return 0;
}

qr_stmt *qr_text(const char *sql)
{
	if (!sql) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_text: sql is NULL");
		return NULL;
	}
	qr_node *node = qr_node__new(QR_NODE_TEXT);
	if (!node)
		return NULL;
	node->u.text.sql = qr_mem__strdup(sql);
	if (!node->u.text.sql ||
	    parse_text(sql, &node->u.text.parts, &node->u.text.nparts) != 0) {
		qr_stmt_free(node);
		return NULL;
	}
	return node;
}

void qr_node__destroy_text(qr_node *node)
{
	qr_compiled_free(atomic_load_explicit(&node->u.text.compiled,
					      memory_order_acquire));
	free(node->u.text.sql);
	free_parts(node->u.text.parts, node->u.text.nparts);
}

/* Copies literal SQL, doubling '%' for the format paramstyle. */
static int put_literal(qr_strbuf *b, const char *s, size_t n, qr_paramstyle ps)
{
	if (ps != QR_PARAMSTYLE_FORMAT)
		return qr_strbuf__put(b, s, n);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%')
			qr_strbuf__putc(b, '%');
		qr_strbuf__putc(b, s[i]);
	}
	return b->error;
}

/* Keeps c as node's compiled form unless one is there already. The node
 * is immutable in every way that matters to compilation: the memo is a
 * cache, hence the cast. */
static void memo_install(const qr_node *node, qr_compiled *c)
{
	qr_node *n = (qr_node *)node;
	qr_compiled *expected = NULL;
	qr_compiled__ref(c);
	if (!atomic_compare_exchange_strong_explicit(
		    &n->u.text.compiled, &expected, c, memory_order_acq_rel,
		    memory_order_acquire))
		qr_compiled_free(c);
}

static int text_compile(qr_compiled **out, const qr_node *node,
			const qr_dialect *dialect);

int qr_text__compile(qr_compiled **out, const qr_node *node,
		     const qr_dialect *dialect)
{
	/* A statement executed again (on any connection or thread) reuses
	 * its first compiled form when the dialect is the same: the form
	 * is immutable and reference-counted. */
	qr_compiled *m = atomic_load_explicit(&node->u.text.compiled,
					      memory_order_acquire);
	if (m && m->dialect == dialect) {
		*out = qr_compiled__ref(m);
		return 0;
	}
	int rc = text_compile(out, node, dialect);
	if (rc == 0 && !m)
		memo_install(node, *out);
	return rc;
}

static int text_compile(qr_compiled **out, const qr_node *node,
			const qr_dialect *dialect)
{
	qr_strbuf b = {0};
	qr_bindslot *slots = NULL;
	size_t nslots = 0, cap = 0;
	int rc = qr_strbuf__put(&b, "", 0);

	for (size_t i = 0; rc == 0 && i < node->u.text.nparts; i++) {
		const qr_text_part *p = &node->u.text.parts[i];
		if (!p->is_param) {
			rc = put_literal(&b, p->str, p->len,
					 dialect->paramstyle);
			continue;
		}
		size_t pos = nslots;
		if (dialect->paramstyle == QR_PARAMSTYLE_NUMERIC) {
			/* $n: a name used again reuses its number. */
			for (size_t k = 0; k < nslots; k++) {
				if (strcmp(slots[k].name, p->str) == 0) {
					pos = k;
					break;
				}
			}
		}
		if (pos == nslots) {
			rc = qr_mem__grow((void **)&slots, &cap, nslots + 1,
					  sizeof(*slots), "bind slots");
			if (rc)
				break;
			memset(&slots[nslots], 0, sizeof(*slots));
			slots[nslots].name = qr_mem__strdup(p->str);
			if (!slots[nslots].name) {
				rc = QR_ENOMEM;
				break;
			}
			nslots++;
		}
		char mark[24];
		switch (dialect->paramstyle) {
		case QR_PARAMSTYLE_NUMERIC:
			snprintf(mark, sizeof(mark), "$%zu", pos + 1);
			break;
		case QR_PARAMSTYLE_FORMAT:
			snprintf(mark, sizeof(mark), "%%s");
			break;
		default:
			snprintf(mark, sizeof(mark), "?");
			break;
		}
		rc = qr_strbuf__puts(&b, mark);
	}
	if (rc) {
		free(b.s);
		for (size_t k = 0; k < nslots; k++)
			qr_bindslot__clear(&slots[k]);
		free(slots);
		return rc;
	}
	qr_compiled *c = qr_compiled__new(dialect, b.s, b.len, slots, nslots);
	if (!c)
		return QR_ENOMEM;
	/* A text statement may return rows; the driver tells at run time. */
	c->returns_rows = true;
	*out = c;
	return 0;
}
