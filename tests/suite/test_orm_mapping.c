/*
 * test_orm_mapping.c - mapping C structs: every C representation round
 * trip, the NULL rule for value members, string and blob ownership,
 * column names other than the member's, reprs, mapper introspection,
 * declaration errors, and mapping onto an existing or reflected table.
 */
#define ORM_TABLE_PREFIX "qt_m_"
#include "orm_fixture.h"

#include <quarry/reflect.h>

#include <math.h>

typedef struct Sample {
	int64_t id;
	int8_t i8;
	int16_t i16;
	int32_t i32;
	uint16_t u16;
	uint32_t u32;
	bool flag;
	float f;
	double d;
	char *text;
	char *amount; /* NUMERIC(10, 2) as exact decimal text */
	double ratio; /* NUMERIC(10, 4) as a double */
	qr_blob data;
	qr_date day;
	qr_time at;
	qr_datetime stamp;
	char *note; /* column note_text */
} Sample;

QR_MAPPING(Sample, "qt_samples",
	   QR_FIELD(Sample, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Sample, i8, QR_SMALLINT),
	   QR_FIELD(Sample, i16, QR_SMALLINT),
	   QR_FIELD(Sample, i32, QR_INTEGER), QR_FIELD(Sample, u16, QR_INTEGER),
	   QR_FIELD(Sample, u32, QR_BIGINT), QR_FIELD(Sample, flag, QR_BOOLEAN),
	   QR_FIELD(Sample, f, QR_FLOAT), QR_FIELD(Sample, d, QR_DOUBLE),
	   QR_FIELD(Sample, text, QR_TEXT),
	   QR_FIELD(Sample, amount, qr_numeric(10, 2)),
	   QR_FIELD(Sample, ratio, qr_numeric(10, 4)),
	   QR_FIELD(Sample, data, QR_BINARY), QR_FIELD(Sample, day, QR_DATE),
	   QR_FIELD(Sample, at, QR_TIME), QR_FIELD(Sample, stamp, QR_DATETIME),
	   QR_FIELD_AS(Sample, note, "note_text", qr_string(30)),
	   QR_REPR("id", "text", "amount", "flag", "note"));

static int setup(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Sample), NULL};
	*state = orm_fx_new_with(maps, NULL);
	return 0;
}

static Sample *reload(orm_fx *f, int64_t id)
{
	Sample *s = NULL;
	qr_session_close(f->s); /* forget every object */
	assert_int_equal(qr_get(&s, f->s, Sample, qr_val_int(id)), 1);
	return s;
}

static void test_introspection(void **state)
{
	orm_fx *f = *state;
	qr_mapper *m = QR_MAPPER(Sample);
	qr_table *t = qr_mapper_table(m);
	qr_stmt *ddl;
	char *sql;

	assert_non_null(m);
	assert_string_equal(qr_mapper_name(m), "Sample");
	assert_ptr_equal(qr_mapper_registry(m), f->reg);
	assert_string_equal(qr_table_name(t), "qt_samples");
	assert_ptr_equal(
		qr_metadata_table(qr_registry_metadata(f->reg), "qt_samples"),
		t);
	assert_int_equal(qr_mapper_field_count(m), 17);
	assert_string_equal(qr_mapper_field_name(m, 16), "note");
	assert_string_equal(qr_column_name(qr_mapper_field_column(m, 16)),
			    "note_text");
	assert_int_equal(qr_mapper_field_index(m, "ratio"), 11);
	assert_int_equal(qr_mapper_field_index(m, "nope"), QR_ECOLUMN);
	assert_int_equal(qr_mapper_field_ctype(m, 0), QR_CTYPE_INT);
	assert_int_equal(qr_mapper_field_ctype(m, 4), QR_CTYPE_UINT);
	assert_int_equal(qr_mapper_field_ctype(m, 6), QR_CTYPE_BOOL);
	assert_int_equal(qr_mapper_field_ctype(m, 12), QR_CTYPE_BLOB);
	assert_int_equal(qr_mapper_field_ctype(m, 15), QR_CTYPE_DATETIME);
	assert_int_equal(qr_mapper_primary_key_count(m), 1);
	assert_int_equal(qr_mapper_primary_key_field(m, 0), 0);
	assert_ptr_equal(qr_attr(Sample, "note"),
			 qr_table_column(t, "note_text"));
	assert_null(qr_attr(Sample, "nope"));
	assert_int_equal(qr_error_last()->code, QR_ECOLUMN);
	/* the DDL comes from the same declaration */
	ddl = qr_create_table(t);
	qr_assert_ok(qr_compile_literal(&sql, ddl, "sqlite"));
	qr_stmt_free(ddl);
	assert_non_null(strstr(sql, "note_text VARCHAR(30)"));
	assert_non_null(strstr(sql, "amount NUMERIC(10, 2)"));
	qr_free(sql);
}

static void test_round_trip(void **state)
{
	orm_fx *f = *state;
	Sample *s = qr_new(f->s, Sample);
	static const unsigned char bytes[] = {'a', 0, 'b', 0xff};

	s->i8 = -100;
	s->i16 = -30000;
	s->i32 = 2000000000;
	s->u16 = 65000;
	s->u32 = 4000000000u;
	s->flag = true;
	s->f = 1.5f;
	s->d = 2.25;
	qr_assert_ok(qr_set_text(s, &s->text, "héllo, it's \"quoted\""));
	qr_assert_ok(qr_set_text(s, &s->amount, "12.50"));
	s->ratio = 0.125;
	qr_assert_ok(qr_set_blob(s, &s->data, bytes, sizeof(bytes)));
	s->day = (qr_date){2024, 1, 31};
	s->at = (qr_time){13, 45, 7, 0};
	s->stamp = (qr_datetime){{2024, 2, 29}, {23, 59, 58, 0}, false, 0};
	qr_assert_ok(qr_set_text(s, &s->note, "n"));
	qr_assert_ok(qr_session_add(f->s, s));
	qr_assert_ok(qr_session_commit(f->s));

	s = reload(f, 1);
	assert_int_equal(s->i8, -100);
	assert_int_equal(s->i16, -30000);
	assert_int_equal(s->i32, 2000000000);
	assert_int_equal(s->u16, 65000);
	assert_int_equal(s->u32, 4000000000u);
	assert_true(s->flag);
	assert_true(s->f == 1.5f);
	assert_true(s->d == 2.25);
	assert_string_equal(s->text, "héllo, it's \"quoted\"");
	assert_true(fabs(strtod(s->amount, NULL) - 12.5) < 1e-9);
	assert_true(fabs(s->ratio - 0.125) < 1e-9);
	assert_int_equal(s->data.len, sizeof(bytes));
	assert_memory_equal(s->data.data, bytes, sizeof(bytes));
	assert_int_equal(s->day.year, 2024);
	assert_int_equal(s->day.month, 1);
	assert_int_equal(s->day.day, 31);
	assert_int_equal(s->at.hour, 13);
	assert_int_equal(s->at.minute, 45);
	assert_int_equal(s->at.second, 7);
	assert_int_equal(s->stamp.date.day, 29);
	assert_int_equal(s->stamp.time.second, 58);
	assert_string_equal(s->note, "n");
	/* loaded values are not changes */
	assert_false(qr_session_is_modified(f->s, s));
	/* a changed date is one */
	s->day.day = 30;
	assert_true(qr_session_is_modified(f->s, s));
	qr_assert_ok(qr_session_commit(f->s));
	s = reload(f, 1);
	assert_int_equal(s->day.day, 30);
}

static void test_null_rule(void **state)
{
	orm_fx *f = *state;
	Sample *s = qr_new(f->s, Sample);

	/* value members of nullable columns start NULL, pointers NULL */
	assert_true(QR_IS_NULL(s, id));
	assert_true(QR_IS_NULL(s, i32));
	assert_true(QR_IS_NULL(s, day));
	assert_true(QR_IS_NULL(s, text));
	assert_true(QR_IS_NULL(s, data));
	/* any non-zero value makes it non-NULL */
	s->i16 = 5;
	assert_false(QR_IS_NULL(s, i16));
	/* a zero needs QR_SET (or qr_field_set_not_null) */
	s->i32 = 0;
	assert_true(QR_IS_NULL(s, i32));
	qr_assert_ok(QR_SET(s, i32, 0));
	assert_false(QR_IS_NULL(s, i32));
	s->flag = false;
	qr_assert_ok(qr_field_set_not_null(s, &s->flag));
	qr_assert_ok(qr_session_add(f->s, s));
	qr_assert_ok(qr_session_commit(f->s));

	s = reload(f, 1);
	assert_int_equal(s->i16, 5);
	assert_false(QR_IS_NULL(s, i32)); /* a stored zero */
	assert_int_equal(s->i32, 0);
	assert_false(QR_IS_NULL(s, flag));
	assert_false(s->flag);
	assert_true(QR_IS_NULL(s, i8)); /* NULL in the database */
	assert_true(QR_IS_NULL(s, d));
	assert_true(QR_IS_NULL(s, stamp));
	assert_null(s->text);
	assert_null(s->data.data);
	{
		qr_value v;
		qr_assert_ok(qr_object_value(&v, s, "i8"));
		assert_int_equal(v.kind, QR_VNULL);
		qr_assert_ok(qr_object_value(&v, s, "i32"));
		assert_int_equal(v.kind, QR_VINT);
	}
	/* set NULL again: zeroed and flagged; a change to flush */
	qr_assert_ok(QR_SET_NULL(s, i16));
	assert_int_equal(s->i16, 0);
	assert_true(QR_IS_NULL(s, i16));
	assert_true(qr_session_is_modified(f->s, s));
	qr_assert_ok(qr_session_commit(f->s));
	s = reload(f, 1);
	assert_true(QR_IS_NULL(s, i16));
	/* the address must be a member of the object */
	assert_false(qr_field_is_null(s, &f));
	assert_int_equal(qr_field_set_null(s, (char *)s + 1), QR_EINVAL);
}

static void test_strings(void **state)
{
	orm_fx *f = *state;
	Sample *s = qr_new(f->s, Sample);
	char buf[16];
	const char *first;

	/* qr_set_text copies at once */
	strcpy(buf, "mine");
	qr_assert_ok(qr_set_text(s, &s->text, buf));
	assert_ptr_not_equal(s->text, buf);
	strcpy(buf, "changed");
	assert_string_equal(s->text, "mine");
	/* replacing a string the ORM stored frees the old one */
	first = s->text;
	qr_assert_ok(qr_set_text(s, &s->text, "second"));
	assert_ptr_not_equal(s->text, first);
	/* a pointer of our own is adopted (copied) at the flush */
	strcpy(buf, "adopted");
	s->note = buf;
	qr_assert_ok(qr_session_add(f->s, s));
	qr_assert_ok(qr_session_flush(f->s));
	assert_ptr_not_equal(s->note, buf);
	assert_string_equal(s->note, "adopted");
	strcpy(buf, "later");
	assert_false(qr_session_is_modified(f->s, s));
	/* setting NULL */
	qr_assert_ok(qr_set_text(s, &s->note, NULL));
	assert_null(s->note);
	qr_assert_ok(qr_set_textn(s, &s->text, "abcdef", 3));
	assert_string_equal(s->text, "abc");
	/* blobs: same rules; an empty blob is not NULL */
	qr_assert_ok(qr_set_blob(s, &s->data, "", 0));
	assert_non_null(s->data.data);
	qr_assert_ok(qr_session_commit(f->s));
	s = reload(f, 1);
	assert_null(s->note);
	assert_string_equal(s->text, "abc");
	assert_non_null(s->data.data);
	assert_int_equal(s->data.len, 0);
	/* wrong members */
	assert_int_equal(qr_set_text(s, (char **)&s->data, "x"), QR_EINVAL);
	assert_int_equal(qr_set_blob(s, (qr_blob *)&s->text, "x", 1),
			 QR_EINVAL);
	/* setting a member through a qr_value converts */
	{
		qr_value v = qr_val_text("42");
		qr_assert_ok(qr_object_set_value(s, "i32", &v));
		assert_int_equal(s->i32, 42);
		v = qr_val_text("x");
		assert_int_equal(qr_object_set_value(s, "i32", &v),
				 QR_ECONVERT);
		v = qr_val_int(300);
		assert_int_equal(qr_object_set_value(s, "i8", &v), QR_ERANGE);
		v = qr_val_int(-1);
		assert_int_equal(qr_object_set_value(s, "u16", &v), QR_ERANGE);
	}
}

/* ---- reprs ------------------------------------------------------------- */

typedef struct Post {
	int32_t id;
	char *headline;
	char *body;
} Post;

QR_MAPPING(Post, "qt_posts",
	   QR_FIELD(Post, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Post, headline, qr_string(255), .not_null = true),
	   QR_FIELD(Post, body, QR_TEXT),
	   QR_REPR_POSITIONAL("headline", "body"));

typedef struct Plain {
	int32_t id;
	double score;
	char *label;
} Plain;

QR_MAPPING(Plain, "qt_plain",
	   QR_FIELD(Plain, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Plain, score, QR_DOUBLE), QR_FIELD(Plain, label, QR_TEXT));

static void test_repr(void **state)
{
	orm_fx *f = *state;
	Sample *s = qr_new(f->s, Sample);
	Post *p;
	Plain *pl;

	qr_assert_ok(qr_set_text(s, &s->text, "it's"));
	qr_assert_ok(qr_set_text(s, &s->amount, "1.50"));
	s->flag = true;
	orm_assert_repr(s, "<Sample(id=None, text=\"it's\", "
			   "amount=Decimal('1.50'), flag=True, note=None)>");
	qr_assert_ok(qr_registry_map(NULL, f->reg, QR_MAPPING_OF(Post)));
	qr_assert_ok(qr_registry_map(NULL, f->reg, QR_MAPPING_OF(Plain)));
	p = qr_new(f->s, Post);
	qr_assert_ok(qr_set_text(p, &p->headline, "Wendy's Blog Post"));
	qr_assert_ok(qr_set_text(p, &p->body, "This is a test"));
	orm_assert_repr(p, "Post(\"Wendy's Blog Post\", 'This is a test')");
	pl = qr_new(f->s, Plain);
	pl->id = 3;
	pl->score = 2.5;
	orm_assert_repr(pl, "<Plain(id=3, score=2.5, label=None)>");
	{
		qr_objlist l = QR_OBJLIST_INIT;
		qr_assert_ok(qr_objlist_append(&l, pl));
		qr_assert_ok(qr_objlist_append(&l, NULL));
		orm_assert_list(&l, "[<Plain(id=3, score=2.5, label=None)>, "
				    "None]");
		qr_objlist_clear(&l);
	}
}

/* ---- declaration errors ----------------------------------------------------
 */

struct pair {
	int a, b;
};

typedef struct BadType {
	int64_t id;
	struct pair p;
} BadType;

QR_MAPPING(BadType, "qt_bad1",
	   QR_FIELD(BadType, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(BadType, p, QR_INTEGER));

typedef struct Mismatch {
	int64_t id;
	int32_t name;
} Mismatch;

QR_MAPPING(Mismatch, "qt_bad2",
	   QR_FIELD(Mismatch, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Mismatch, name, qr_string(20)));

typedef struct NoKey {
	int64_t id;
} NoKey;

QR_MAPPING(NoKey, "qt_bad3", QR_FIELD(NoKey, id, QR_INTEGER));

typedef struct BadRepr {
	int64_t id;
} BadRepr;

QR_MAPPING(BadRepr, "qt_bad4",
	   QR_FIELD(BadRepr, id, QR_INTEGER, .primary_key = true),
	   QR_REPR("nope"));

typedef struct BadVersion {
	int64_t id;
	char *v;
} BadVersion;

QR_MAPPING(BadVersion, "qt_bad5",
	   QR_FIELD(BadVersion, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(BadVersion, v, QR_TEXT), QR_VERSION_ID(v));

typedef struct AttrOnly {
	int64_t id;
	char *name;
} AttrOnly;

QR_MAPPING(AttrOnly, NULL, QR_ATTR(AttrOnly, id), QR_ATTR(AttrOnly, name));

static void test_declaration_errors(void **state)
{
	orm_fx *f = *state;
	qr_registry *other;
	qr_session *bare;

	assert_int_equal(qr_map(f->reg, BadType), QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "unsupported C type"));
	assert_null(QR_MAPPER(BadType));
	assert_int_equal(qr_map(f->reg, Mismatch), QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "cannot hold"));
	assert_int_equal(qr_map(f->reg, NoKey), QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "no primary key"));
	assert_int_equal(qr_map(f->reg, BadRepr), QR_EINVAL);
	assert_int_equal(qr_map(f->reg, BadVersion), QR_EINVAL);
	/* no table name: needs qr_registry_map_table */
	assert_int_equal(qr_map(f->reg, AttrOnly), QR_EINVAL);
	/* one registry at a time */
	qr_assert_ok(qr_registry_new(&other, NULL));
	assert_int_equal(qr_map(other, Sample), QR_ESTATE);
	qr_registry_free(other);
	/* mapping again in the same registry gives the same mapper */
	{
		qr_mapper *m;
		qr_assert_ok(
			qr_registry_map(&m, f->reg, QR_MAPPING_OF(Sample)));
		assert_ptr_equal(m, QR_MAPPER(Sample));
	}
	/* an unmapped mapping, and a session without a registry */
	qr_assert_ok(qr_session_new(&bare, f->engine, NULL));
	assert_null(qr_new(bare, Post));
	assert_int_equal(qr_error_last()->code, QR_ESTATE);
	assert_null(qr_attr(Post, "id"));
	assert_null(qr_entity(Post));
	assert_null(qr_new_transient(Post));
	qr_session_free(bare);
	/* a session with a registry maps on first use */
	assert_non_null(qr_new(f->s, Post));
	assert_non_null(QR_MAPPER(Post));
}

/* ---- existing and reflected tables ------------------------------------------
 */

typedef struct Legacy {
	int32_t key;
	char *title;
	bool active;
} Legacy;

QR_MAPPING(Legacy, NULL, QR_ATTR_AS(Legacy, key, "legacy_id"),
	   QR_ATTR(Legacy, title), QR_ATTR_AS(Legacy, active, "is_active"),
	   QR_REPR("key", "title"));

static void test_existing_table(void **state)
{
	orm_fx *f = *state;
	qr_metadata *md = f->md2 = qr_metadata_new();
	qr_table *t = qr_table(
		md, "qt_legacy",
		qr_column("legacy_id", QR_INTEGER, .primary_key = true),
		qr_column("title", qr_string(40)),
		qr_column("is_active", QR_BOOLEAN),
		qr_column("unmapped", QR_INTEGER));
	qr_mapper *m;
	Legacy *l;

	assert_non_null(t);
	qr_assert_ok(
		qr_registry_map_table(&m, f->reg, QR_MAPPING_OF(Legacy), t));
	assert_ptr_equal(qr_mapper_table(m), t);
	orm_exec_quiet(f->engine, qr_drop_table(t));
	orm_exec_quiet(f->engine, qr_create_table(t));
	l = qr_new(f->s, Legacy);
	l->key = 7;
	l->active = true;
	qr_assert_ok(qr_set_text(l, &l->title, "old"));
	qr_assert_ok(qr_session_add(f->s, l));
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_close(f->s);
	assert_int_equal(
		qr_query_first(&l,
			       qr_query_filter_by(qr_query(f->s, Legacy),
						  "active", qr_val_bool(true))),
		1);
	orm_assert_repr(l, "<Legacy(key=7, title='old')>");
	qr_session_close(f->s);
	orm_exec_quiet(f->engine, qr_drop_table(t));
}

/* A Core table built from a database's description of it (what
 * SQLAlchemy's Table(..., autoload_with=engine) does). */
static qr_table *reflect_table(qr_metadata *md, qr_conn *c, const char *name)
{
	qr_reflected_table *rt;
	qr_schema_item **items;
	qr_table *t;

	qr_assert_ok(qr_inspect_table(&rt, c, NULL, name));
	items = calloc(rt->ncolumns + 1, sizeof(*items));
	for (size_t i = 0; i < rt->ncolumns; i++) {
		const qr_reflected_column *col = &rt->columns[i];
		bool pk = false;
		for (size_t k = 0; k < rt->pk_columns.count; k++)
			pk = pk ||
			     strcmp(rt->pk_columns.items[k], col->name) == 0;
		items[i] = qr_column_new(
			col->name,
			&(qr_column_options){.type = col->type,
					     .primary_key = pk,
					     .not_null = !col->nullable});
	}
	t = qr_table_new_items(md, name, items, rt->ncolumns);
	free(items);
	qr_reflected_table_free(rt);
	return t;
}

static void test_reflected_table(void **state)
{
	orm_fx *f = *state;
	qr_metadata *md = f->md2 = qr_metadata_new();
	qr_conn *c = qr_test_connect(f->engine);
	qr_objlist all = QR_OBJLIST_INIT;
	qr_table *t;

	qr_test_exec_quiet(c, "DROP TABLE qt_legacy");
	qr_conn_rollback(c);
	qr_test_exec(c, "CREATE TABLE qt_legacy (legacy_id INTEGER PRIMARY "
			"KEY, title VARCHAR(40), is_active INTEGER)");
	qr_test_exec(c, "INSERT INTO qt_legacy VALUES (1, 'one', 1)");
	qr_test_exec(c, "INSERT INTO qt_legacy VALUES (2, 'two', 0)");
	qr_assert_ok(qr_conn_commit(c));
	t = reflect_table(md, c, "qt_legacy");
	qr_conn_rollback(c);
	qr_conn_free(c);
	assert_non_null(t);
	qr_assert_ok(
		qr_registry_map_table(NULL, f->reg, QR_MAPPING_OF(Legacy), t));
	qr_assert_ok(
		qr_query_all(&all, qr_query_order_by(qr_query(f->s, Legacy),
						     qr_attr(Legacy, "key"))));
	orm_assert_list(&all, "[<Legacy(key=1, title='one')>, "
			      "<Legacy(key=2, title='two')>]");
	assert_true(((Legacy *)all.items[0])->active);
	assert_false(((Legacy *)all.items[1])->active);
	qr_objlist_clear(&all);
	qr_session_close(f->s);
	orm_exec_quiet(f->engine, qr_drop_table(t));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_introspection, setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_null_rule, setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_strings, setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_repr, setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_declaration_errors, setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_existing_table, setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_reflected_table, setup,
						orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_mapping", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
