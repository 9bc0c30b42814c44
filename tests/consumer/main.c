/*
 * main.c - a consumer of an installed quarry: opens an in-memory SQLite
 * database, runs "select 1" and checks the value. Exits 0 on success and
 * prints the error otherwise.
 */
#include <quarry.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what)
{
	const qr_error *err = qr_error_last();

	fprintf(stderr, "consumer: %s failed: %s (%s)\n", what, err->message,
		qr_strerror(err->code));
	return 1;
}

int main(void)
{
	qr_engine *engine = NULL;
	qr_conn *conn = NULL;
	qr_result *result = NULL;
	const qr_value *value = NULL;
	int64_t got = 0;
	int status = 1;

	if (strcmp(qr_version(), QUARRY_VERSION_STRING) != 0) {
		fprintf(stderr, "consumer: header %s, library %s\n",
			QUARRY_VERSION_STRING, qr_version());
		return 1;
	}
	if (qr_engine_create(&engine, "sqlite:///:memory:", NULL) != 0)
		return fail("qr_engine_create");
	if (qr_engine_connect(&conn, engine) != 0) {
		status = fail("qr_engine_connect");
		goto out;
	}
	if (qr_conn_execute_text(&result, conn, "select 1", NULL) != 0) {
		status = fail("qr_conn_execute_text");
		goto out;
	}
	if (qr_result_scalar(result, &value) != 1) {
		status = fail("qr_result_scalar");
		goto out;
	}
	if (qr_value_int64(value, &got) != 0) {
		status = fail("qr_value_int64");
		goto out;
	}
	if (got != 1) {
		fprintf(stderr, "consumer: select 1 returned %lld\n",
			(long long)got);
		goto out;
	}
	printf("consumer: quarry %s, %s+%s: select 1 = %lld\n", qr_version(),
	       qr_engine_dialect_name(engine), qr_engine_driver_name(engine),
	       (long long)got);
	status = 0;
out:
	qr_result_free(result);
	qr_conn_free(conn);
	qr_engine_free(engine);
	return status;
}
