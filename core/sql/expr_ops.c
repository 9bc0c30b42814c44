/*
 * expr_ops.c - SQLAlchemy 2.0's further column operators: collate(),
 * extract(), regexp_match() / regexp_replace(), icontains() and friends,
 * the bitwise operators, any_() / all_() and within_group().
 */
#include "sqlnode.h"

#include <quarry/sys/error.h>

#include <ctype.h>
#include <string.h>

static const qr_type boolean_type = {.kind = QR_TYPE_BOOLEAN};
static const qr_type integer_type = {.kind = QR_TYPE_INTEGER};

/* A BINARY node of op over kids (taken; NULL kids make it fail), typed t
 * (NULL: the first kid's), with str (copied, may be NULL). */
static qr_node *binary_of(qr_opcode op, qr_node *const *kids, size_t n,
			  const qr_type *t, const char *str, const char *fn)
{
	bool null = false;
	for (size_t i = 0; i < n; i++)
		null |= kids[i] == NULL;
	qr_node *b = null ? NULL : qr_sql__node(QR_NODE_BINARY, n);
	if (!b) {
		for (size_t i = 0; i < n; i++)
			qr_expr_free(kids[i]);
		return null ? qr_sql__null_arg(fn, "an operand") : NULL;
	}
	b->op = op;
	for (size_t i = 0; i < n; i++)
		b->kids[i] = kids[i];
	if (qr_sql__set_type(b, t ? t : qr_sql__type(kids[0])) ||
	    (str && qr_sql__set_str(b, str))) {
		qr_expr_free(b);
		return NULL;
	}
	return b;
}

/* A word of letters, digits and '_' (a collation, an EXTRACT field, a
 * regular expression flag string): rendered as is, so nothing else. */
static bool is_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	}
	return true;
}

static void *bad_word(qr_expr *a, const char *fn, const char *what,
		      const char *s)
{
	qr_expr_free(a);
	qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
		     "%s: %s '%s' is not a word of letters, digits and '_'", fn,
		     what, s);
	return NULL;
}

/* ---- COLLATE ----------------------------------------------------------- */

qr_expr *qr_collate(qr_expr *a, const char *collation)
{
	if (!collation) {
		qr_expr_free(a);
		return qr_sql__null_arg("qr_collate", "collation");
	}
	if (!a)
		return qr_sql__null_arg("qr_collate", "the expression");
	qr_node *name = qr_column_ref(collation);
	qr_node *kids[2] = {a, name};
	return binary_of(QR_OP_COLLATE, kids, 2, NULL, NULL, "qr_collate");
}

/* ---- JSON elements (json.c compiles them) ----------------------------- */

static qr_expr *json_element(qr_opcode op, qr_expr *json, qr_expr *index,
			     const char *fn)
{
	static const qr_type json_type = {.kind = QR_TYPE_JSON};
	qr_node *kids[2] = {json, index};

	if (!index) { /* out of memory, recorded */
		qr_expr_free(json);
		return NULL;
	}
	return binary_of(op, kids, 2, &json_type, NULL, fn);
}

qr_expr *qr_json_get(qr_expr *json, const char *key)
{
	if (!key) {
		qr_expr_free(json);
		return qr_sql__null_arg("qr_json_get", "the key");
	}
	return json_element(QR_OP_JSON_GETITEM, json,
			    qr_bind_typed(qr_val_text(key), QR_STRING),
			    "qr_json_get");
}

qr_expr *qr_json_get_index(qr_expr *json, int64_t index)
{
	return json_element(QR_OP_JSON_GETITEM, json,
			    qr_bind_typed(qr_val_int(index), QR_INTEGER),
			    "qr_json_get_index");
}

qr_expr *qr_json_get_path(qr_expr *json, const qr_value *path, size_t n)
{
	qr_value list = {QR_VLIST, {0}};

	if (!path || n == 0) {
		qr_expr_free(json);
		return qr_sql__null_arg("qr_json_get_path", "the path");
	}
	for (size_t i = 0; i < n; i++)
		if (path[i].kind != QR_VTEXT && path[i].kind != QR_VINT) {
			qr_expr_free(json);
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_json_get_path: element %zu is a %s, "
				     "not a key (text) or an index (an "
				     "integer)",
				     i, qr_vkind_name(path[i].kind));
			return NULL;
		}
	list.u.list.items = path;
	list.u.list.n = n;
	/* typed: the path's type is not the JSON's */
	return json_element(QR_OP_JSON_PATH_GETITEM, json,
			    qr_bind_typed(list, QR_STRING), "qr_json_get_path");
}

qr_expr *qr_json_as(qr_expr *element, qr_type type)
{
	if (!element)
		return qr_sql__null_arg("qr_json_as", "the JSON element");
	if (element->kind != QR_NODE_BINARY ||
	    (element->op != QR_OP_JSON_GETITEM &&
	     element->op != QR_OP_JSON_PATH_GETITEM)) {
		qr_expr_free(element);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_json_as: not a JSON element (qr_json_get, "
			     "qr_json_get_index, qr_json_get_path)");
		return NULL;
	}
	qr_node *n = qr_sql__own(element);
	if (n && qr_sql__set_type(n, &type)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* ---- sequences ---------------------------------------------------------- */

qr_expr *qr_next_value(const char *sequence)
{
	if (!sequence || !*sequence)
		return qr_sql__null_arg("qr_next_value", "the sequence's name");
	qr_node *n = qr_sql__node(QR_NODE_NEXT_VALUE, 0);
	if (!n)
		return NULL;
	if (qr_sql__set_name(n, sequence) ||
	    qr_sql__set_type(n, &integer_type)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* ---- EXTRACT ----------------------------------------------------------- */

qr_expr *qr_extract(const char *field, qr_expr *a)
{
	if (!field) {
		qr_expr_free(a);
		return qr_sql__null_arg("qr_extract", "field");
	}
	if (!a)
		return qr_sql__null_arg("qr_extract", "the expression");
	if (!is_word(field))
		return bad_word(a, "qr_extract", "field", field);
	qr_node *n = qr_sql__node(QR_NODE_EXTRACT, 1);
	if (!n) {
		qr_expr_free(a);
		return NULL;
	}
	n->kids[0] = a;
	if (qr_sql__set_name(n, field) || qr_sql__set_type(n, &integer_type)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* ---- regular expressions ------------------------------------------------ */

static qr_node *regexp_match(qr_opcode op, qr_expr *a, qr_expr *pattern,
			     const char *flags, const char *fn)
{
	if (flags && !is_word(flags)) {
		qr_expr_free(pattern);
		return bad_word(a, fn, "flags", flags);
	}
	qr_node *kids[2] = {a, pattern};
	return binary_of(op, kids, 2, &boolean_type, flags, fn);
}

qr_expr *qr_regexp_match(qr_expr *a, qr_expr *pattern, const char *flags)
{
	return regexp_match(QR_OP_REGEXP_MATCH, a, pattern, flags,
			    "qr_regexp_match");
}

qr_expr *qr_not_regexp_match(qr_expr *a, qr_expr *pattern, const char *flags)
{
	return regexp_match(QR_OP_NOT_REGEXP_MATCH, a, pattern, flags,
			    "qr_not_regexp_match");
}

qr_expr *qr_regexp_replace(qr_expr *a, qr_expr *pattern, qr_expr *replacement,
			   const char *flags)
{
	if (flags && !is_word(flags)) {
		qr_expr_free(pattern);
		qr_expr_free(replacement);
		return bad_word(a, "qr_regexp_replace", "flags", flags);
	}
	qr_node *kids[3] = {a, pattern, replacement};
	return binary_of(QR_OP_REGEXP_REPLACE, kids, 3, NULL, flags,
			 "qr_regexp_replace");
}

/* ---- case-insensitive LIKE forms --------------------------------------- */

static qr_node *like_folded(qr_expr *a, qr_expr *b, int how, const char *fn)
{
	qr_node *kids[2] = {a, b};
	qr_node *n = binary_of(QR_OP_LIKE, kids, 2, &boolean_type, NULL, fn);
	if (n)
		n->ival = how;
	return n;
}

qr_expr *qr_icontains(qr_expr *a, qr_expr *b)
{
	return like_folded(a, b, QR_LIKE_ICONTAINS, "qr_icontains");
}

qr_expr *qr_istartswith(qr_expr *a, qr_expr *b)
{
	return like_folded(a, b, QR_LIKE_ISTARTS, "qr_istartswith");
}

qr_expr *qr_iendswith(qr_expr *a, qr_expr *b)
{
	return like_folded(a, b, QR_LIKE_IENDS, "qr_iendswith");
}

/* ---- bitwise operators -------------------------------------------------- */

static qr_node *bitwise(qr_opcode op, qr_expr *a, qr_expr *b, const char *fn)
{
	qr_node *kids[2] = {a, b};
	return binary_of(op, kids, 2, NULL, NULL, fn);
}

qr_expr *qr_bitwise_and(qr_expr *a, qr_expr *b)
{
	return bitwise(QR_OP_BITWISE_AND, a, b, "qr_bitwise_and");
}

qr_expr *qr_bitwise_or(qr_expr *a, qr_expr *b)
{
	return bitwise(QR_OP_BITWISE_OR, a, b, "qr_bitwise_or");
}

qr_expr *qr_bitwise_xor(qr_expr *a, qr_expr *b)
{
	return bitwise(QR_OP_BITWISE_XOR, a, b, "qr_bitwise_xor");
}

qr_expr *qr_bitwise_lshift(qr_expr *a, qr_expr *b)
{
	return bitwise(QR_OP_BITWISE_LSHIFT, a, b, "qr_bitwise_lshift");
}

qr_expr *qr_bitwise_rshift(qr_expr *a, qr_expr *b)
{
	return bitwise(QR_OP_BITWISE_RSHIFT, a, b, "qr_bitwise_rshift");
}

qr_expr *qr_bitwise_not(qr_expr *a)
{
	return qr_sql__unary(QR_OP_BITWISE_NOT, a, "qr_bitwise_not");
}

/* ---- ANY / ALL ---------------------------------------------------------- */

qr_expr *qr_any_(qr_expr *collection)
{
	return qr_sql__unary(QR_OP_ANY, collection, "qr_any_");
}

qr_expr *qr_all_(qr_expr *collection)
{
	return qr_sql__unary(QR_OP_ALL, collection, "qr_all_");
}

/* ---- WITHIN GROUP ------------------------------------------------------- */

qr_expr *qr_within_group_new(qr_expr *fn, ...)
{
	va_list ap;
	va_start(ap, fn);
	if (!fn) {
		qr_sql__drain(ap);
		va_end(ap);
		return qr_sql__null_arg("qr_within_group", "the function");
	}
	qr_node *order = qr_sql__node(QR_NODE_LIST, 0);
	if (order)
		order->op = QR_OP_COMMA;
	qr_node *first = va_arg(ap, qr_node *);
	order = qr_sql__collect(order, first, ap, "qr_within_group");
	va_end(ap);
	if (!order) {
		qr_expr_free(fn);
		return NULL;
	}
	if (fn->kind != QR_NODE_FUNC || order->nkids == 0) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_within_group: %s",
			     order->nkids ? "not a function"
					  : "no ORDER BY expression");
		qr_expr_free(fn);
		qr_expr_free(order);
		return NULL;
	}
	qr_node *n = qr_sql__node(QR_NODE_WITHIN_GROUP, 2);
	if (!n) {
		qr_expr_free(fn);
		qr_expr_free(order);
		return NULL;
	}
	n->kids[QR_WG_FUNC] = fn;
	n->kids[QR_WG_ORDER] = order;
	/* SQLAlchemy: percentile_cont / percentile_disc / mode return the
	 * ORDER BY expression's type, other functions their own. */
	const qr_type *t = qr_sql__type(fn);
	if (strcmp(fn->name, "percentile_cont") == 0 ||
	    strcmp(fn->name, "percentile_disc") == 0 ||
	    strcmp(fn->name, "mode") == 0) {
		const qr_node *o = order->kids[0];
		while (o->kind == QR_NODE_UNARY &&
		       (o->op == QR_OP_ASC || o->op == QR_OP_DESC ||
			o->op == QR_OP_NULLS_FIRST ||
			o->op == QR_OP_NULLS_LAST))
			o = o->kids[0];
		t = qr_sql__type(o);
	}
	if (qr_sql__set_type(n, t)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}
