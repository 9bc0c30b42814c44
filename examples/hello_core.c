/*
 * hello_core.c - a first quarry program: an engine on a URL (default
 * in-memory SQLite) with echo on, textual SQL with named parameters, an
 * executemany, a query printed as tuples, and commit-as-you-go.
 *
 *   hello_core [URL]
 */
#include <quarry.h>

#include <stdio.h>
#include <stdlib.h>

static int die(const char *what)
{
	const qr_error *e = qr_error_last();
	fprintf(stderr, "%s failed: %s: %s\n", what, qr_errclass_name(e->klass),
		e->message);
	return 1;
}

int main(int argc, char **argv)
{
	const char *url = argc > 1 ? argv[1] : "sqlite:///:memory:";
	qr_engine *engine;
	qr_conn *conn;
	qr_result *result;
	const qr_row *row;

	if (qr_engine_create(&engine, url, &(qr_engine_options){.echo = true}))
		return die("create_engine");
	if (qr_engine_connect(&conn, engine))
		return die("connect");

	qr_conn_execute_text(NULL, conn, "DROP TABLE IF EXISTS hello_users",
			     NULL);
	if (qr_conn_execute_text(NULL, conn,
				 "CREATE TABLE hello_users (id INTEGER PRIMARY "
				 "KEY, name VARCHAR(50), fullname VARCHAR(50))",
				 NULL))
		return die("CREATE TABLE");

	/* One parameter set per row: an executemany. */
	qr_params *params = qr_params_new();
	const char *people[][2] = {{"jack", "Jack Jones"},
				   {"wendy", "Wendy Williams"},
				   {"ed", "Ed Jones"}};
	for (int i = 0; i < 3; i++) {
		if (i)
			qr_params_next_row(params);
		qr_params_int(params, "id", i + 1);
		qr_params_text(params, "name", people[i][0]);
		qr_params_text(params, "fullname", people[i][1]);
	}
	if (qr_conn_execute_text(&result, conn,
				 "INSERT INTO hello_users (id, name, fullname) "
				 "VALUES (:id, :name, :fullname)",
				 params))
		return die("INSERT");
	printf("inserted %lld rows\n", (long long)qr_result_rowcount(result));
	qr_result_free(result);
	qr_params_free(params);
	if (qr_conn_commit(conn))
		return die("COMMIT");

	params = qr_params_new();
	qr_params_text(params, "pattern", "%Jones");
	if (qr_conn_execute_text(&result, conn,
				 "SELECT id, name, fullname FROM hello_users "
				 "WHERE fullname LIKE :pattern ORDER BY id",
				 params))
		return die("SELECT");
	int rc;
	while ((rc = qr_result_next(result, &row)) > 0) {
		char *text;
		if (qr_row_repr(&text, row) == 0) {
			printf("%s\n", text);
			qr_free(text);
		}
	}
	qr_result_free(result);
	qr_params_free(params);
	if (rc < 0)
		return die("fetch");

	qr_conn_free(conn); /* returns it to the pool: ROLLBACK */
	qr_engine_free(engine);
	return 0;
}
