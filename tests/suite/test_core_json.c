/*
 * test_core_json.c - JSON elements (SQLAlchemy's JSON type: doc["key"],
 * doc[1], .as_string(), .as_integer(), .as_float(), .as_boolean()) run
 * on whichever URL the suite is given: the values each backend returns
 * for them, a JSON null read as NULL, a filter on an element, and one
 * statement shape (a compiled-cache entry) serving several keys.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
	qr_metadata *md;
	qr_table *docs;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	f->md = qr_metadata_new();
	f->docs = qr_table(f->md, "qt_json_docs",
			   qr_column("id", QR_INTEGER, .primary_key = true,
				     .autoincrement = QR_AUTOINCREMENT_NO),
			   qr_column("doc", QR_JSON));
	qr_test_drop(f->conn, "DROP TABLE qt_json_docs");
	qr_stmt *create = qr_create_table(f->docs);
	qr_assert_ok(qr_conn_execute(NULL, f->conn, create, NULL));
	qr_stmt_free(create);
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_int(p, "id", 1));
	qr_assert_ok(qr_params_text(
		p, "doc",
		"{\"a\": \"x\", \"n\": 5, \"m\": 7, \"f\": 2.5, \"b\": true, "
		"\"arr\": [10, 20, 30], \"nul\": null, "
		"\"o\": {\"k\": \"deep\", \"a b\": [1, {\"z\": 9}]}}"));
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_int(p, "id", 2));
	qr_assert_ok(qr_params_text(p, "doc", "{\"a\": \"y\", \"n\": 6}"));
	qr_stmt *ins = qr_insert(f->docs);
	qr_assert_ok(qr_conn_execute(NULL, f->conn, ins, p));
	qr_stmt_free(ins);
	qr_params_free(p);
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	qr_assert_ok(qr_conn_rollback(f->conn));
	qr_test_drop(f->conn, "DROP TABLE qt_json_docs");
	qr_conn_free(f->conn);
	qr_metadata_free(f->md);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

/* The single value SELECT e FROM qt_json_docs WHERE id = 1 returns (a
 * copy of it in *out; its text in text, when text). */
static qr_value element_of(fixture *f, qr_expr *e, char *text, size_t cap)
{
	qr_stmt *sel = qr_select(
		e, qr_where(qr_eq(qr_c(f->docs, "id"), qr_bind_int(1))));
	qr_result *r;
	const qr_value *v;
	qr_value out;
	qr_assert_ok(qr_conn_execute(&r, f->conn, sel, NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	out = *v;
	if (text && v->kind == QR_VTEXT) {
		snprintf(text, cap, "%.*s", (int)v->u.s.len, v->u.s.ptr);
		out.u.s.ptr = text;
	}
	qr_result_free(r);
	qr_stmt_free(sel);
	return out;
}

static qr_expr *doc(fixture *f)
{
	return qr_c(f->docs, "doc");
}

static void test_elements(void **state)
{
	fixture *f = *state;
	char text[64];
	qr_value v;
	int64_t i;
	double d;
	bool b;

	/* an element as JSON: the document of the value */
	v = element_of(f, qr_json_get(doc(f), "a"), text, sizeof(text));
	assert_int_equal(v.kind, QR_VTEXT);
	assert_string_equal(text, "\"x\"");

	/* read as a string, an integer, a float, a boolean */
	v = element_of(f, qr_json_as(qr_json_get(doc(f), "a"), QR_STRING), text,
		       sizeof(text));
	assert_int_equal(v.kind, QR_VTEXT);
	assert_string_equal(text, "x");
	v = element_of(f, qr_json_as(qr_json_get(doc(f), "n"), QR_INTEGER),
		       NULL, 0);
	qr_assert_ok(qr_value_int64(&v, &i));
	assert_int_equal(i, 5);
	v = element_of(f, qr_json_as(qr_json_get(doc(f), "f"), QR_FLOAT), NULL,
		       0);
	qr_assert_ok(qr_value_double(&v, &d));
	assert_true(d == 2.5);
	v = element_of(f, qr_json_as(qr_json_get(doc(f), "b"), QR_BOOLEAN),
		       NULL, 0);
	qr_assert_ok(qr_value_bool(&v, &b));
	assert_true(b);

	/* an array's item, by index, inside an element */
	v = element_of(
		f,
		qr_json_as(qr_json_get_index(qr_json_get(doc(f), "arr"), 1),
			   QR_INTEGER),
		NULL, 0);
	qr_assert_ok(qr_value_int64(&v, &i));
	assert_int_equal(i, 20);

	/* paths: keys and indexes, nested (a key with a space too) */
	const qr_value p1[] = {qr_val_text("arr"), qr_val_int(2)};
	v = element_of(f,
		       qr_json_as(qr_json_get_path(doc(f), p1, 2), QR_INTEGER),
		       NULL, 0);
	qr_assert_ok(qr_value_int64(&v, &i));
	assert_int_equal(i, 30);
	const qr_value p2[] = {qr_val_text("o"), qr_val_text("k")};
	v = element_of(f,
		       qr_json_as(qr_json_get_path(doc(f), p2, 2), QR_STRING),
		       text, sizeof(text));
	assert_int_equal(v.kind, QR_VTEXT);
	assert_string_equal(text, "deep");
	const qr_value p3[] = {qr_val_text("o"), qr_val_text("a b"),
			       qr_val_int(1), qr_val_text("z")};
	v = element_of(f, qr_json_get_path(doc(f), p3, 4), text, sizeof(text));
	assert_int_equal(v.kind, QR_VTEXT);
	assert_string_equal(text, "9");

	/* a JSON null, and a missing key, read as a string: NULL */
	v = element_of(f, qr_json_as(qr_json_get(doc(f), "nul"), QR_STRING),
		       NULL, 0);
	assert_int_equal(v.kind, QR_VNULL);
	v = element_of(f, qr_json_as(qr_json_get(doc(f), "none"), QR_STRING),
		       NULL, 0);
	assert_int_equal(v.kind, QR_VNULL);
}

/* The same shape with another key: the compiled form (cached) binds the
 * new key's path. */
static void test_same_shape_other_key(void **state)
{
	fixture *f = *state;
	static const char *const keys[] = {"n", "m", "n"};
	static const int64_t want[] = {5, 7, 5};

	for (size_t k = 0; k < 3; k++) {
		int64_t i;
		qr_value v = element_of(
			f, qr_json_as(qr_json_get(doc(f), keys[k]), QR_INTEGER),
			NULL, 0);
		qr_assert_ok(qr_value_int64(&v, &i));
		assert_int_equal(i, want[k]);
	}
}

/* WHERE doc["a"].as_string() = 'y'. */
static void test_filter(void **state)
{
	fixture *f = *state;
	qr_stmt *sel = qr_select(
		qr_c(f->docs, "id"),
		qr_where(qr_eq(qr_json_as(qr_json_get(doc(f), "a"), QR_STRING),
			       qr_bind_text("y"))));
	qr_result *r;
	const qr_value *v;
	int64_t id;
	qr_assert_ok(qr_conn_execute(&r, f->conn, sel, NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &id));
	assert_int_equal(id, 2);
	qr_result_free(r);
	qr_stmt_free(sel);
}

/* qr_json_as of something else than an element: QR_EINVAL. */
static void test_as_needs_element(void **state)
{
	fixture *f = *state;
	assert_null(qr_json_as(qr_c(f->docs, "doc"), QR_STRING));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_json_get(NULL, "a"));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_elements, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_shape_other_key,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_as_needs_element, setup,
						teardown),
	};
	return qr_test_run(argc, argv, "core_json", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
