/*
 * getopts.c - session.get() with options (qr_session_get_with):
 * populate_existing and with_for_update send the SELECT even when the
 * object is in the identity map, as SQLAlchemy's Session.get does.
 */
#include "orm_internal.h"

int qr_session_get_with(void *out, qr_session *s, qr_mapping *mapping,
			const qr_value *pk, size_t npk,
			const qr_get_options *opts)
{
	qr_mapper *m;
	qr_query *q;
	int rc;

	if (!opts || (!opts->populate_existing && !opts->for_update))
		return qr_session_get(out, s, mapping, pk, npk);
	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_get_with: NULL out");
	*(void **)out = NULL;
	if (!s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_get_with: NULL session");
	if ((rc = qr_orm__mapper_for(&m, mapping, s->registry)) != 0)
		return rc;
	if (npk != m->npk || !pk)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_get_with: %s has a primary "
				    "key of %zu column%s, %zu value%s given",
				    m->name, m->npk, m->npk == 1 ? "" : "s",
				    npk, npk == 1 ? "" : "s");
	for (size_t i = 0; i < npk; i++)
		if (qr_value_is_null(&pk[i]))
			return 0; /* a NULL key value: no such row */
	q = qr_query_new_(s, qr_mapping_entity(mapping), QR_END);
	for (size_t i = 0; i < npk && q; i++) {
		const qr_field *f = &m->fields[m->pk[i]];
		q = qr_query_filter_(q,
				     qr_eq(qr_mapper_attr(m, f->name),
					   qr_bind_typed(pk[i], f->type)),
				     QR_END);
	}
	if (q && opts->populate_existing)
		q = qr_query_populate_existing(q);
	if (q && opts->for_update)
		q = qr_query_with_for_update(q, opts->for_flags);
	if (!q)
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_ENOMEM;
	return qr_query_one_or_none(out, q);
}
