/*
 * compile_select.c - SELECT, set operations and FROM objects: the FROM
 * clause inference, SQLAlchemy's auto-correlation, column labelling,
 * aliases, subqueries, CTEs and joins.
 */
#include "compiler.h"

#include "../mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- FROM object lists -------------------------------------------------- */

static bool contains(const qr_node *const *list, size_t n, const qr_node *x)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i] == x)
			return true;
	}
	return false;
}

static int push_unique(const qr_node ***list, size_t *n, size_t *cap,
		       const qr_node *x)
{
	if (contains(*list, *n, x))
		return 0;
	if (qr_mem__grow((void **)list, cap, *n + 1, sizeof(**list),
			 "FROM list"))
		return QR_ENOMEM;
	(*list)[(*n)++] = x;
	return 0;
}

int qr_sqlc__from_objects(const qr_node *e, const qr_node ***list, size_t *n,
			  size_t *cap)
{
	if (!e)
		return 0;
	switch (e->kind) {
	case QR_NODE_COLUMN: {
		qr_node *t = qr_column_table(e);
		return t ? push_unique(list, n, cap, t) : 0;
	}
	case QR_NODE_FROMCOL:
		return push_unique(list, n, cap, e->kids[0]);
	case QR_NODE_TABLE:
	case QR_NODE_ALIAS:
	case QR_NODE_SUBQUERY:
	case QR_NODE_CTE:
	case QR_NODE_JOIN:
	case QR_NODE_VALUES_FROM:
		return push_unique(list, n, cap, e);
	case QR_NODE_SELECT:
	case QR_NODE_COMPOUND:
	case QR_NODE_SCALAR:
	case QR_NODE_TEXT:
	case QR_NODE_BIND:
	case QR_NODE_LITERAL:
	case QR_NODE_LEXCOL:
		return 0;
	case QR_NODE_UNARY:
		if (e->op == QR_OP_EXISTS)
			return 0;
		/* fall through */
	default:
		for (size_t i = 0; i < e->nkids; i++) {
			int rc =
				qr_sqlc__from_objects(e->kids[i], list, n, cap);
			if (rc)
				return rc;
		}
		return 0;
	}
}

/* f and, for a join, everything inside it. */
static int all_from_objects(const qr_node *f, const qr_node ***list, size_t *n,
			    size_t *cap)
{
	int rc = push_unique(list, n, cap, f);
	if (rc == 0 && f->kind == QR_NODE_JOIN) {
		rc = all_from_objects(f->kids[QR_JOIN_L], list, n, cap);
		if (rc == 0)
			rc = all_from_objects(f->kids[QR_JOIN_R], list, n, cap);
	}
	return rc;
}

/* The FROM objects of a SELECT before correlation: explicit ones, then
 * those of the columns and the WHERE clause; joins hide their parts. */
static int raw_froms(const qr_node *sel, const qr_node ***out, size_t *n)
{
	const qr_node **list = NULL, **hidden = NULL;
	size_t nl = 0, capl = 0, nh = 0, caph = 0;
	int rc = 0;
	const qr_node *ex = sel->kids[QR_SEL_FROMS];
	for (size_t i = 0; ex && rc == 0 && i < ex->nkids; i++)
		rc = push_unique(&list, &nl, &capl, ex->kids[i]);
	if (rc == 0)
		rc = qr_sqlc__from_objects(sel->kids[QR_SEL_COLS], &list, &nl,
					   &capl);
	if (rc == 0)
		rc = qr_sqlc__from_objects(sel->kids[QR_SEL_WHERE], &list, &nl,
					   &capl);
	for (size_t i = 0; rc == 0 && i < nl; i++) {
		if (list[i]->kind == QR_NODE_JOIN) {
			rc = all_from_objects(list[i]->kids[QR_JOIN_L], &hidden,
					      &nh, &caph);
			if (rc == 0)
				rc = all_from_objects(list[i]->kids[QR_JOIN_R],
						      &hidden, &nh, &caph);
		}
	}
	size_t w = 0;
	for (size_t i = 0; i < nl; i++) {
		if (!contains(hidden, nh, list[i]))
			list[w++] = list[i];
	}
	free(hidden);
	if (rc) {
		free(list);
		return rc;
	}
	*out = list;
	*n = w;
	return 0;
}

int qr_sqlc__select_froms(qr_sqlc *c, const qr_node *sel, unsigned ctx,
			  const qr_node ***out, size_t *n)
{
	const qr_node **froms;
	size_t nf;
	if (raw_froms(sel, &froms, &nf))
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");

	/* explicit / implicit correlation sets from the enclosing level */
	const qr_sqlc_frame *e = c->depth ? &c->frames[c->depth - 1] : NULL;
	const qr_node *const *corr = e ? e->correlate : NULL;
	size_t ncorr = e ? e->ncorrelate : 0;
	const qr_node *const *asf = e ? e->asfrom : NULL;
	size_t nasf = e ? e->nasfrom : 0;
	/* A LATERAL subquery correlates to the enclosing FROM objects, as
	 * a nested SELECT does (SQLAlchemy's lateral=True). */
	bool asfrom = (ctx & QR_CTX_ASFROM) && !(ctx & QR_CTX_LATERAL);

	const qr_node *lc = sel->kids[QR_SEL_CORRELATE];
	const qr_node *lx = sel->kids[QR_SEL_CORRELATE_EXCEPT];
	size_t w;

	/* explicit correlate(): drop what encloses us and is listed */
	if (lc) {
		w = 0;
		for (size_t i = 0; i < nf; i++) {
			bool in_expl =
				contains(corr, ncorr, froms[i]) &&
				!(asfrom && contains(asf, nasf, froms[i]));
			bool listed = contains((const qr_node *const *)lc->kids,
					       lc->nkids, froms[i]);
			if (!(in_expl && listed))
				froms[w++] = froms[i];
		}
		nf = w;
	}
	if (lx) {
		w = 0;
		for (size_t i = 0; i < nf; i++) {
			bool in_expl =
				contains(corr, ncorr, froms[i]) &&
				!(asfrom && contains(asf, nasf, froms[i]));
			bool excepted =
				contains((const qr_node *const *)lx->kids,
					 lx->nkids, froms[i]);
			if (!(in_expl && !excepted))
				froms[w++] = froms[i];
		}
		nf = w;
	}
	/* auto-correlation: only when more than one FROM would remain */
	bool autocorr =
		!lc && !lx && !(sel->flags & QR_NF_SEL_NO_AUTOCORRELATE);
	if (autocorr && !asfrom && nasf && nf > 1) {
		w = 0;
		for (size_t i = 0; i < nf; i++) {
			if (!contains(asf, nasf, froms[i]))
				froms[w++] = froms[i];
		}
		if (w == 0) {
			free(froms);
			return qr_sqlc__fail(
				c, QR_ECOMPILE,
				"SELECT returned no FROM clauses due to "
				"auto-correlation; use qr_correlate() to "
				"control correlation manually");
		}
		nf = w;
	}
	*out = froms;
	*n = nf;
	return 0;
}

int qr_sqlc__push_frame(qr_sqlc *c, const qr_node *stmt,
			const qr_node *const *froms, size_t nfroms)
{
	if (qr_mem__grow((void **)&c->frames, &c->framecap, c->depth + 1,
			 sizeof(*c->frames), "compiler stack"))
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	qr_sqlc_frame f = {stmt, NULL, 0, NULL, 0};
	size_t capc = 0, capa = 0;
	int rc = 0;
	if (c->depth) {
		const qr_sqlc_frame *p = &c->frames[c->depth - 1];
		for (size_t i = 0; rc == 0 && i < p->ncorrelate; i++)
			rc = push_unique(&f.correlate, &f.ncorrelate, &capc,
					 p->correlate[i]);
	}
	for (size_t i = 0; rc == 0 && i < nfroms; i++) {
		rc = all_from_objects(froms[i], &f.asfrom, &f.nasfrom, &capa);
		if (rc == 0)
			rc = all_from_objects(froms[i], &f.correlate,
					      &f.ncorrelate, &capc);
	}
	c->frames[c->depth++] = f;
	if (rc)
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	return 0;
}

void qr_sqlc__pop_frame(qr_sqlc *c)
{
	if (!c->depth)
		return;
	qr_sqlc_frame *f = &c->frames[--c->depth];
	free(f->correlate);
	free(f->asfrom);
}

/* A compound level sees what its enclosing level sees. */
static int push_frame_like_parent(qr_sqlc *c, const qr_node *stmt)
{
	if (qr_mem__grow((void **)&c->frames, &c->framecap, c->depth + 1,
			 sizeof(*c->frames), "compiler stack"))
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	qr_sqlc_frame f = {stmt, NULL, 0, NULL, 0};
	if (c->depth) {
		const qr_sqlc_frame *p = &c->frames[c->depth - 1];
		size_t bytes_c = p->ncorrelate * sizeof(*f.correlate);
		size_t bytes_a = p->nasfrom * sizeof(*f.asfrom);
		f.correlate = qr_mem__alloc(bytes_c, "compiler stack");
		f.asfrom = qr_mem__alloc(bytes_a, "compiler stack");
		if (!f.correlate || !f.asfrom) {
			free(f.correlate);
			free(f.asfrom);
			return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
		}
		if (bytes_c)
			memcpy(f.correlate, p->correlate, bytes_c);
		if (bytes_a)
			memcpy(f.asfrom, p->asfrom, bytes_a);
		f.ncorrelate = p->ncorrelate;
		f.nasfrom = p->nasfrom;
	}
	c->frames[c->depth++] = f;
	return 0;
}

/* ---- FROM names ------------------------------------------------------- */

static const qr_node *cte_root(const qr_node *cte)
{
	while (cte->kids[QR_CTE_RESTATES])
		cte = cte->kids[QR_CTE_RESTATES];
	return cte;
}

const char *qr_sqlc__from_name(qr_sqlc *c, const qr_node *f)
{
	switch (f->kind) {
	case QR_NODE_TABLE:
		return f->name;
	case QR_NODE_ALIAS:
		if (f->name)
			return f->name;
		return qr_sqlc__anon(c, f, QR_ANON_ALIAS,
				     qr_sqlc__from_name(c, f->kids[0]));
	case QR_NODE_SUBQUERY:
	case QR_NODE_VALUES_FROM:
		return f->name ? f->name
			       : qr_sqlc__anon(c, f, QR_ANON_ALIAS, "anon");
	case QR_NODE_CTE:
		f = cte_root(f);
		return f->name ? f->name
			       : qr_sqlc__anon(c, f, QR_ANON_ALIAS, "anon");
	default:
		return "?";
	}
}

int qr_sqlc__from_ref(qr_sqlc *c, const qr_node *f, unsigned ctx)
{
	if (f->kind == QR_NODE_TABLE) {
		const char *schema = qr_table_schema_name(f);
		if (schema && !(ctx & QR_CTX_NO_SCHEMA)) {
			qr_sqlc__ident(c, schema);
			qr_sqlc__puts(c, ".");
		}
		return qr_sqlc__ident(c, f->name);
	}
	return qr_sqlc__ident(c, qr_sqlc__from_name(c, f));
}

int qr_sqlc__visit_table(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	return qr_sqlc__from_ref(c, n, ctx);
}

int qr_sqlc__visit_alias(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (!(ctx & QR_CTX_ASFROM))
		return qr_sqlc__ident(c, qr_sqlc__from_name(c, n));
	const qr_node *inner = n->kids[0];
	if (inner->kind == QR_NODE_CTE)
		qr_sqlc__visit(c, inner, ctx);
	else
		qr_sqlc__from_ref(c, inner, ctx);
	qr_sqlc__puts(c, " AS ");
	return qr_sqlc__ident(c, qr_sqlc__from_name(c, n));
}

int qr_sqlc__visit_subquery(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (!(ctx & QR_CTX_ASFROM))
		return qr_sqlc__ident(c, qr_sqlc__from_name(c, n));
	unsigned sctx = QR_CTX_ASFROM | (ctx & QR_CTX_LITERAL);
	if (n->flags & QR_NF_SUBQUERY_LATERAL) {
		if (c->d && !(c->d->features & QR_FEATURE_LATERAL))
			return qr_sqlc__unsupported(c, "LATERAL");
		qr_sqlc__puts(c, "LATERAL ");
		sctx |= QR_CTX_LATERAL;
	}
	qr_sqlc__puts(c, "(");
	qr_sqlc__visit(c, n->kids[0], sctx);
	qr_sqlc__puts(c, ") AS ");
	return qr_sqlc__ident(c, qr_sqlc__from_name(c, n));
}

/* (VALUES (?, ?), (?, ?)) AS name (a, b), as SQLAlchemy's visit_values:
 * the values are anonymous binds (param_N). */
int qr_sqlc__visit_values_from(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (!(ctx & QR_CTX_ASFROM))
		return qr_sqlc__ident(c, qr_sqlc__from_name(c, n));
	if (c->d && !(c->d->features & QR_FEATURE_VALUES_FROM))
		return qr_sqlc__unsupported(c, "VALUES in FROM");
	qr_sqlc_hint old = {c->hint, c->hint_type};
	qr_sqlc__hint_restore(c, (qr_sqlc_hint){NULL, NULL});
	qr_sqlc__puts(c, "(VALUES ");
	for (size_t i = QR_VF_ROWS; i < n->nkids && !c->rc; i++) {
		if (i > QR_VF_ROWS)
			qr_sqlc__puts(c, ", ");
		qr_sqlc__visit(c, n->kids[i], ctx & QR_CTX_LITERAL);
	}
	qr_sqlc__hint_restore(c, old);
	qr_sqlc__puts(c, ") AS ");
	qr_sqlc__ident(c, qr_sqlc__from_name(c, n));
	qr_sqlc__puts(c, " (");
	qr_sqlc__visit_items(c, n->kids[QR_VF_COLUMNS], ", ", 0);
	return qr_sqlc__puts(c, ")");
}

int qr_sqlc__visit_join(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const char *kw = " JOIN ";
	if (n->op == QR_JOIN_LEFT)
		kw = " LEFT OUTER JOIN ";
	else if (n->op == QR_JOIN_FULL) {
		if (c->d && !(c->d->features & QR_FEATURE_FULL_JOIN))
			return qr_sqlc__unsupported(c, "FULL OUTER JOIN");
		kw = " FULL OUTER JOIN ";
	}
	unsigned fctx = (ctx & QR_CTX_LITERAL) | QR_CTX_ASFROM;
	/* a join on the right is parenthesized, as SQLAlchemy renders
	 * it: "a JOIN (b JOIN c ON ..) ON .." (SQLite needs them) */
	bool nested = n->kids[QR_JOIN_R]->kind == QR_NODE_JOIN;
	qr_sqlc__visit(c, n->kids[QR_JOIN_L], fctx);
	qr_sqlc__puts(c, kw);
	if (nested)
		qr_sqlc__puts(c, "(");
	qr_sqlc__visit(c, n->kids[QR_JOIN_R], fctx);
	qr_sqlc__puts(c, nested ? ") ON " : " ON ");
	return qr_sqlc__visit(c, n->kids[QR_JOIN_ON], ctx & QR_CTX_LITERAL);
}

/* ---- CTEs --------------------------------------------------------------- */

static bool restates(const qr_node *newer, const qr_node *older)
{
	for (const qr_node *p = newer->kids[QR_CTE_RESTATES]; p;
	     p = p->kids[QR_CTE_RESTATES]) {
		if (p == older)
			return true;
	}
	return false;
}

/* Renders "name[(cols)] AS \n(element)" into the CTE list. */
static int render_cte(qr_sqlc *c, size_t slot, const qr_node *cte,
		      const char *name)
{
	qr_strbuf buf = {0};
	qr_strbuf *saved = c->b;
	c->b = &buf;
	qr_sqlc__ident(c, name);
	if (cte->flags & QR_NF_CTE_RECURSIVE) {
		const qr_node *el = cte->kids[QR_CTE_ELEMENT];
		size_t n = qr_sql__select_ncols(el);
		qr_sqlc__puts(c, "(");
		for (size_t i = 0; i < n; i++) {
			const char *cn =
				qr_sql__col_name(qr_sql__select_col(el, i));
			if (i)
				qr_sqlc__puts(c, ", ");
			qr_sqlc__ident(c, cn ? cn : "anon");
		}
		qr_sqlc__puts(c, ")");
	}
	qr_sqlc__puts(c, " AS \n(");
	qr_sqlc__visit(c, cte->kids[QR_CTE_ELEMENT], QR_CTX_ASFROM);
	qr_sqlc__puts(c, ")");
	c->b = saved;
	if (c->rc) {
		qr_strbuf__free(&buf);
		return c->rc;
	}
	char *text = qr_strbuf__take(&buf);
	if (!text)
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	free(c->ctes[slot].text);
	c->ctes[slot].text = text;
	c->ctes[slot].done = ++c->ctes_done;
	return 0;
}

int qr_sqlc__visit_cte(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const char *name = qr_sqlc__from_name(c, n);
	size_t found = SIZE_MAX;
	for (size_t i = 0; i < c->nctes; i++) {
		if (strcmp(c->ctes[i].name, name) == 0)
			found = i;
	}
	bool render = true;
	if (found != SIZE_MAX) {
		const qr_node *existing = c->ctes[found].cte;
		if (existing == n || restates(existing, n)) {
			render = false;
		} else if (restates(n, existing)) {
			/* The newer statement of the CTE takes the place. */
			c->ctes[found].cte = n;
		} else {
			return qr_sqlc__fail(c, QR_ECOMPILE,
					     "multiple, unrelated CTEs found "
					     "with the same name: '%s'",
					     name);
		}
	} else {
		if (qr_mem__grow((void **)&c->ctes, &c->ctecap, c->nctes + 1,
				 sizeof(*c->ctes), "CTEs"))
			return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
		char *copy = qr_mem__strdup(name);
		if (!copy)
			return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
		found = c->nctes++;
		c->ctes[found] = (qr_sqlc_cte){n, copy, NULL, false, 0};
	}
	if (render) {
		if (n->flags & QR_NF_CTE_RECURSIVE)
			c->ctes_recursive = true;
		if (render_cte(c, found, n, c->ctes[found].name))
			return c->rc;
	}
	(void)ctx;
	return qr_sqlc__ident(c, name);
}

/* ---- SELECT ----------------------------------------------------------- */

typedef struct seen_names {
	char **names; /* owned copies */
	size_t n, cap;
} seen_names;

static size_t count_seen(const seen_names *s, const char *name)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->names[i], name) == 0)
			k++;
	}
	return k;
}

static void free_seen(seen_names *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
}

static bool plain_named(const qr_node *col)
{
	return col->kind == QR_NODE_COLUMN || col->kind == QR_NODE_FROMCOL ||
	       col->kind == QR_NODE_LEXCOL ||
	       (col->kind == QR_NODE_LITERAL && col->op == QR_LIT_COLUMN);
}

static bool never_labelled(const qr_node *col)
{
	if (col->kind == QR_NODE_TEXT)
		return true;
	if (col->kind == QR_NODE_LITERAL && col->op == QR_LIT_STAR)
		return true;
	if (col->kind == QR_NODE_UNARY &&
	    (col->op == QR_OP_DISTINCT || col->op == QR_OP_ASC ||
	     col->op == QR_OP_DESC || col->op == QR_OP_NULLS_FIRST ||
	     col->op == QR_OP_NULLS_LAST))
		return true;
	return false;
}

/* One column of a columns clause (SELECT or RETURNING), labelled as
 * SQLAlchemy labels it: labels as given; in a subquery, columns of a
 * table or alias as "AS name"; repeated names deduped (AS id_1); other
 * expressions with an anonymous label (count_1, anon_1). */
static int select_column(qr_sqlc *c, const qr_node *col, seen_names *seen,
			 bool asfrom, bool result, unsigned ctx)
{
	unsigned cctx = ctx & (QR_CTX_LITERAL | QR_CTX_NO_TABLE);
	if (result && qr_sqlc__result_type(c, qr_sql__type(col)))
		return c->rc;
	const char *name = NULL;
	if (col->kind == QR_NODE_LABEL) {
		qr_sqlc__visit(c, col, cctx | QR_CTX_COLUMNS);
		name = col->name;
	} else if (plain_named(col)) {
		name = col->kind == QR_NODE_FROMCOL
			       ? qr_sqlc__fromcol_name(c, col)
			       : col->name;
		size_t dup = count_seen(seen, name);
		qr_sqlc__visit(c, col, cctx);
		if (dup) {
			char buf[300];
			snprintf(buf, sizeof(buf), "%s_%zu", name, dup);
			qr_sqlc__puts(c, " AS ");
			qr_sqlc__ident(c, buf);
		} else if (asfrom && (col->kind == QR_NODE_COLUMN ||
				      col->kind == QR_NODE_FROMCOL)) {
			qr_sqlc__puts(c, " AS ");
			qr_sqlc__ident(c, name);
		}
	} else if (never_labelled(col)) {
		qr_sqlc__visit(c, col, cctx);
	} else {
		qr_sqlc__visit(c, col, cctx);
		const char *derived = col->kind == QR_NODE_FUNC ? col->name
				      : col->kind == QR_NODE_NEXT_VALUE
					      ? "next_value"
					      : "anon";
		const char *label =
			qr_sqlc__anon(c, col, QR_ANON_LABEL, derived);
		qr_sqlc__puts(c, " AS ");
		qr_sqlc__ident(c, label);
	}
	if (name && !c->rc) {
		char *copy = qr_mem__strdup(name);
		if (!copy ||
		    qr_mem__grow((void **)&seen->names, &seen->cap, seen->n + 1,
				 sizeof(*seen->names), "column names")) {
			free(copy);
			return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
		}
		seen->names[seen->n++] = copy;
	}
	return c->rc;
}

/* The SELECT whose columns a subquery, CTE or alias of a CTE exports. */
static const qr_node *exporting_select(const qr_node *f)
{
	if (f->kind == QR_NODE_ALIAS)
		f = f->kids[0];
	if (f->kind == QR_NODE_SUBQUERY || f->kind == QR_NODE_CTE)
		return f->kids[0];
	return NULL;
}

/* The columns of a FROM object standing in a columns clause. */
static int from_columns(qr_sqlc *c, const qr_node *f, seen_names *seen,
			bool asfrom, bool result, unsigned ctx, bool *first)
{
	if (f->kind == QR_NODE_JOIN) {
		from_columns(c, f->kids[QR_JOIN_L], seen, asfrom, result, ctx,
			     first);
		return from_columns(c, f->kids[QR_JOIN_R], seen, asfrom, result,
				    ctx, first);
	}
	if (f->kind == QR_NODE_TABLE) {
		for (size_t i = 0; i < qr_table_column_count(f) && !c->rc;
		     i++) {
			if (!*first)
				qr_sqlc__puts(c, ", ");
			*first = false;
			select_column(c, qr_table_column_at(f, i), seen, asfrom,
				      result, ctx);
		}
		return c->rc;
	}
	const qr_node *sel = exporting_select(f);
	const qr_node *table =
		f->kind == QR_NODE_ALIAS && f->kids[0]->kind == QR_NODE_TABLE
			? f->kids[0]
			: NULL;
	const qr_node *vcols =
		f->kind == QR_NODE_VALUES_FROM ? f->kids[QR_VF_COLUMNS] : NULL;
	size_t n = table   ? qr_table_column_count(table)
		   : vcols ? vcols->nkids
			   : qr_sql__select_ncols(sel);
	for (size_t i = 0; i < n && !c->rc; i++) {
		if (!*first)
			qr_sqlc__puts(c, ", ");
		*first = false;
		char buf[300];
		const qr_node *inner = table   ? qr_table_column_at(table, i)
				       : vcols ? vcols->kids[i]
					       : qr_sql__select_col(sel, i);
		const char *en =
			table   ? qr_column_name(inner)
			: vcols ? inner->name
				: qr_sql__export_name(sel, i, buf, sizeof(buf));
		qr_node *fc = qr_sql__fromcol(f, en, qr_sql__type(inner), i,
					      inner->pinned ? NULL : inner);
		if (!fc)
			return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
		select_column(c, fc, seen, asfrom, result, ctx);
		qr_expr_free(fc);
	}
	return c->rc;
}

static int columns_clause(qr_sqlc *c, const qr_node *cols, bool asfrom,
			  bool result, unsigned ctx)
{
	seen_names seen = {NULL, 0, 0};
	bool first = true;
	for (size_t i = 0; cols && i < cols->nkids && !c->rc; i++) {
		const qr_node *col = cols->kids[i];
		if (qr_sql__is_from(col)) {
			from_columns(c, col, &seen, asfrom, result, ctx,
				     &first);
			continue;
		}
		if (!first)
			qr_sqlc__puts(c, ", ");
		first = false;
		select_column(c, col, &seen, asfrom, result, ctx);
	}
	free_seen(&seen);
	return c->rc;
}

int qr_sqlc__returning(qr_sqlc *c, qr_node_kind stmt, const qr_node *list,
		       unsigned ctx)
{
	unsigned own = stmt == QR_NODE_INSERT   ? QR_FEATURE_INSERT_RETURNING
		       : stmt == QR_NODE_DELETE ? QR_FEATURE_DELETE_RETURNING
						: 0;
	if (c->d && !(c->d->features & (QR_FEATURE_RETURNING | own)))
		return qr_sqlc__unsupported(
			c, stmt == QR_NODE_INSERT   ? "INSERT .. RETURNING"
			   : stmt == QR_NODE_DELETE ? "DELETE .. RETURNING"
						    : "UPDATE .. RETURNING");
	qr_sqlc__puts(c, " RETURNING ");
	if (c->ov->returning_no_table)
		ctx |= QR_CTX_NO_TABLE;
	c->returns_rows = true;
	return columns_clause(c, list, false, c->depth <= 1, ctx);
}

int qr_sqlc__limit_default(qr_sqlc *c, const qr_node *limit,
			   const qr_node *offset, unsigned ctx)
{
	if (limit) {
		qr_sqlc__puts(c, "\n LIMIT ");
		qr_sqlc__visit(c, limit, ctx);
	}
	if (offset) {
		if (!limit)
			qr_sqlc__puts(c, "\n LIMIT -1");
		qr_sqlc__puts(c, " OFFSET ");
		qr_sqlc__visit(c, offset, ctx);
	}
	return c->rc;
}

int qr_sqlc__fetch_default(qr_sqlc *c, const qr_node *fetch,
			   const qr_node *offset, bool parens, unsigned ctx)
{
	const char *open = parens ? "(" : "", *close = parens ? ")" : "";
	if (offset) {
		qr_sqlc__printf(c, "\n OFFSET %s", open);
		qr_sqlc__visit(c, offset, ctx);
		qr_sqlc__printf(c, "%s ROWS", close);
	}
	qr_sqlc__printf(c, "\n FETCH FIRST %s", open);
	qr_sqlc__visit(c, fetch->kids[0], ctx);
	return qr_sqlc__printf(
		c, "%s%s ROWS %s", close,
		(fetch->ival & QR_FETCH_PERCENT) ? " PERCENT" : "",
		(fetch->ival & QR_FETCH_WITH_TIES) ? "WITH TIES" : "ONLY");
}

static int fetch_clause(qr_sqlc *c, const qr_node *fetch, const qr_node *offset,
			unsigned ctx)
{
	if (!c->ov->fetch_clause)
		return qr_sqlc__unsupported(c, "FETCH FIRST");
	return c->ov->fetch_clause(c, fetch, offset, ctx & QR_CTX_LITERAL);
}

static int limit_clause(qr_sqlc *c, const qr_node *limit, const qr_node *offset,
			unsigned ctx)
{
	if (!limit && !offset)
		return c->rc;
	unsigned lctx = ctx & QR_CTX_LITERAL;
	if (c->ov->limit_clause)
		return c->ov->limit_clause(c, limit, offset, lctx);
	return qr_sqlc__limit_default(c, limit, offset, lctx);
}

static int and_clause(qr_sqlc *c, const char *kw, const qr_node *list,
		      unsigned ctx)
{
	if (!list || !list->nkids)
		return c->rc;
	qr_sqlc__puts(c, kw);
	return qr_sqlc__visit(c, list, ctx & QR_CTX_LITERAL);
}

static int order_clause(qr_sqlc *c, const char *kw, const qr_node *list,
			unsigned ctx)
{
	if (!list || !list->nkids)
		return c->rc;
	qr_sqlc__puts(c, kw);
	return qr_sqlc__visit_items(c, list, ", ", ctx);
}

int qr_sqlc__visit_select(qr_sqlc *c, const qr_node *sel, unsigned ctx)
{
	const qr_node **froms = NULL;
	size_t nf = 0;
	bool toplevel = c->depth == 0;
	bool asfrom = (ctx & QR_CTX_ASFROM) != 0;
	bool result = (ctx & QR_CTX_RESULT) != 0;

	if (!sel->kids[QR_SEL_COLS] || !sel->kids[QR_SEL_COLS]->nkids)
		return qr_sqlc__fail(c, QR_ECOMPILE, "SELECT has no columns");
	if (qr_sqlc__select_froms(c, sel, ctx, &froms, &nf))
		return c->rc;
	if (qr_sqlc__push_frame(c, sel, froms, nf)) {
		free(froms);
		return c->rc;
	}
	if (toplevel)
		c->returns_rows = true;

	qr_sqlc__puts(c, "SELECT ");
	if (sel->kids[QR_SEL_DISTINCT_ON]) {
		if (!c->d || !(c->d->features & QR_FEATURE_DISTINCT_ON)) {
			qr_sqlc__unsupported(c, "DISTINCT ON");
		} else {
			qr_sqlc__puts(c, "DISTINCT ON (");
			qr_sqlc__visit_items(c, sel->kids[QR_SEL_DISTINCT_ON],
					     ", ", ctx & QR_CTX_LITERAL);
			qr_sqlc__puts(c, ") ");
		}
	} else if (sel->flags & QR_NF_SEL_DISTINCT) {
		qr_sqlc__puts(c, "DISTINCT ");
	}
	columns_clause(c, sel->kids[QR_SEL_COLS], asfrom, result, ctx);
	if (nf) {
		qr_sqlc__puts(c, " \nFROM ");
		for (size_t i = 0; i < nf && !c->rc; i++) {
			if (i)
				qr_sqlc__puts(c, ", ");
			qr_sqlc__visit(c, froms[i],
				       QR_CTX_ASFROM | (ctx & QR_CTX_LITERAL));
		}
	}
	free(froms);
	and_clause(c, " \nWHERE ", sel->kids[QR_SEL_WHERE], ctx);
	order_clause(c, " GROUP BY ", sel->kids[QR_SEL_GROUP],
		     QR_CTX_ORDER | (ctx & QR_CTX_LITERAL));
	and_clause(c, " \nHAVING ", sel->kids[QR_SEL_HAVING], ctx);
	order_clause(c, " ORDER BY ", sel->kids[QR_SEL_ORDER],
		     QR_CTX_ORDER | (ctx & QR_CTX_LITERAL));
	if (sel->kids[QR_SEL_FETCH])
		fetch_clause(c, sel->kids[QR_SEL_FETCH],
			     sel->kids[QR_SEL_OFFSET], ctx);
	else
		limit_clause(c, sel->kids[QR_SEL_LIMIT],
			     sel->kids[QR_SEL_OFFSET], ctx);
	if (sel->flags & QR_NF_SEL_FOR_UPDATE) {
		if (c->ov->for_update)
			c->ov->for_update(c, (unsigned)sel->ival,
					  sel->kids[QR_SEL_FOR_UPDATE_OF]);
		else
			qr_sqlc__puts(c, " FOR UPDATE");
	}
	qr_sqlc__pop_frame(c);
	return c->rc;
}

static const char *set_keyword(int op)
{
	switch (op) {
	case QR_SET_UNION_ALL:
		return " UNION ALL ";
	case QR_SET_INTERSECT:
		return " INTERSECT ";
	case QR_SET_INTERSECT_ALL:
		return " INTERSECT ALL ";
	case QR_SET_EXCEPT:
		return " EXCEPT ";
	case QR_SET_EXCEPT_ALL:
		return " EXCEPT ALL ";
	default:
		return " UNION ";
	}
}

/* A SELECT inside a set operation needs parentheses when it has its own
 * ORDER BY / LIMIT / OFFSET; a nested set operation always does. */
static bool member_needs_parens(const qr_node *s)
{
	if (s->kind == QR_NODE_COMPOUND)
		return true;
	return s->kids[QR_SEL_ORDER] || s->kids[QR_SEL_LIMIT] ||
	       s->kids[QR_SEL_OFFSET] || s->kids[QR_SEL_FETCH];
}

int qr_sqlc__visit_compound(qr_sqlc *c, const qr_node *cs, unsigned ctx)
{
	bool toplevel = c->depth == 0;
	if (push_frame_like_parent(c, cs))
		return c->rc;
	if (toplevel)
		c->returns_rows = true;
	const qr_node *list = cs->kids[QR_CMP_SELECTS];
	size_t ncols = qr_sql__select_ncols(list->kids[0]);
	for (size_t i = 0; i < list->nkids && !c->rc; i++) {
		const qr_node *s = list->kids[i];
		if (i)
			qr_sqlc__puts(c, set_keyword(cs->op));
		if (qr_sql__select_ncols(s) != ncols) {
			qr_sqlc__fail(c, QR_ECOMPILE,
				      "all SELECTs of a set operation must "
				      "have the same number of columns; "
				      "SELECT #1 has %zu, SELECT #%zu has %zu",
				      ncols, i + 1, qr_sql__select_ncols(s));
			break;
		}
		unsigned sctx = (ctx & (QR_CTX_ASFROM | QR_CTX_LITERAL)) |
				(i == 0 ? (ctx & QR_CTX_RESULT) : 0);
		if (member_needs_parens(s)) {
			qr_sqlc__puts(c, "(");
			qr_sqlc__visit(c, s, sctx);
			qr_sqlc__puts(c, ")");
		} else {
			qr_sqlc__visit(c, s, sctx);
		}
	}
	order_clause(c, " ORDER BY ", cs->kids[QR_CMP_ORDER],
		     QR_CTX_ORDER | QR_CTX_NO_TABLE | (ctx & QR_CTX_LITERAL));
	limit_clause(c, cs->kids[QR_CMP_LIMIT], cs->kids[QR_CMP_OFFSET], ctx);
	qr_sqlc__pop_frame(c);
	return c->rc;
}

int qr_sqlc__for_update_of(qr_sqlc *c, const qr_node *of)
{
	for (size_t i = 0; of && i < of->nkids; i++) {
		const qr_node *t = of->kids[i];
		qr_sqlc__puts(c, i ? ", " : " OF ");
		/* a table by its name (no schema), an alias by its own, an
		 * anonymous one as its FROM renders it */
		qr_sqlc__ident(c, qr_sqlc__from_name(c, t));
	}
	return c->rc;
}
