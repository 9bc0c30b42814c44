/*
 * error_internal.h - keeping the caller's error across clean-up (private
 * to core).
 *
 * A void release function (qr_tx_free, qr_conn_free) may have to run SQL
 * that fails (a ROLLBACK after the transaction was already lost). It must
 * not replace the error its caller is handling, so it saves the last
 * error first and puts it back when done:
 *
 *   qr_error saved = *qr_error_last();
 *   ... clean-up that may record errors ...
 *   qr_error__restore(&saved);
 */
#ifndef QUARRY_CORE_ERROR_INTERNAL_H
#define QUARRY_CORE_ERROR_INTERNAL_H

#include <quarry/error.h>

/* Makes saved the calling thread's last error again. */
void qr_error__restore(const qr_error *saved);

#endif
